#include "coattail/base/byte_codec.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"

namespace coattail::base {
namespace {

template <typename T>
void AppendLittleEndian(std::string& out, T v) {
  char bytes[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) {
    bytes[i] = static_cast<char>(static_cast<uint8_t>(v >> (8 * i)));
  }
  out.append(bytes, sizeof(bytes));
}

template <typename T>
bool ReadLittleEndian(std::string_view& in, T& v) {
  if (in.size() < sizeof(T)) return false;
  T result = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    result |= static_cast<T>(static_cast<T>(static_cast<uint8_t>(in[i])) << (8 * i));
  }
  in.remove_prefix(sizeof(T));
  v = result;
  return true;
}

}  // namespace

void AppendU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
void AppendU32(std::string& out, uint32_t v) { AppendLittleEndian(out, v); }
void AppendU64(std::string& out, uint64_t v) { AppendLittleEndian(out, v); }
void AppendI64(std::string& out, int64_t v) { AppendU64(out, std::bit_cast<uint64_t>(v)); }
void AppendF64(std::string& out, double v) { AppendU64(out, std::bit_cast<uint64_t>(v)); }

bool ReadU8(std::string_view& in, uint8_t& v) {
  if (in.empty()) return false;
  v = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  return true;
}

bool ReadU32(std::string_view& in, uint32_t& v) { return ReadLittleEndian(in, v); }
bool ReadU64(std::string_view& in, uint64_t& v) { return ReadLittleEndian(in, v); }

bool ReadI64(std::string_view& in, int64_t& v) {
  uint64_t bits = 0;
  if (!ReadU64(in, bits)) return false;
  v = std::bit_cast<int64_t>(bits);
  return true;
}

bool ReadF64(std::string_view& in, double& v) {
  uint64_t bits = 0;
  if (!ReadU64(in, bits)) return false;
  v = std::bit_cast<double>(bits);
  return true;
}

bool ByteReader::I8(int8_t& v) {
  uint8_t byte = 0;
  if (!U8(byte)) return false;
  v = static_cast<int8_t>(byte);
  return true;
}

bool ByteReader::Bool(bool& v) {
  uint8_t byte = 0;
  if (!U8(byte)) return false;
  if (byte > 1) return Fail();
  v = byte == 1;
  return true;
}

bool ByteReader::String(std::string& s) {
  uint64_t n = 0;
  if (!Count(n, 1)) return false;
  s.assign(in_.data(), n);
  in_.remove_prefix(n);
  return true;
}

bool ByteReader::Count(uint64_t& n, size_t min_element_bytes) {
  if (!U64(n)) return false;
  if (min_element_bytes > 0 && n > in_.size() / min_element_bytes) return Fail();
  return true;
}

absl::Status ByteReader::status(std::string_view what) const {
  if (ok_) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("checkpoint is corrupt or truncated in ", ToAbsl(what)));
}

}  // namespace coattail::base
