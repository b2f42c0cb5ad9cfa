#include "coattail/stats/byte_codec.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace coattail::stats::internal {
namespace {

void AppendU64(std::string& out, uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(static_cast<uint8_t>(v >> (8 * i)));
  }
  out.append(bytes, sizeof(bytes));
}

bool ReadU64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) return false;
  uint64_t result = 0;
  for (size_t i = 0; i < 8; ++i) {
    result |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  in.remove_prefix(8);
  v = result;
  return true;
}

}  // namespace

void AppendU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

void AppendI64(std::string& out, int64_t v) { AppendU64(out, std::bit_cast<uint64_t>(v)); }

void AppendF64(std::string& out, double v) { AppendU64(out, std::bit_cast<uint64_t>(v)); }

bool ReadU8(std::string_view& in, uint8_t& v) {
  if (in.empty()) return false;
  v = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  return true;
}

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

}  // namespace coattail::stats::internal
