// Fixed-width little-endian encoding of the scalars that make up every checkpoint: the stats
// components' and the engine's.
//
// Doubles travel as their IEEE-754 bit pattern, so a value read back is bit-identical to the value
// written (including -0.0 and every NaN payload); the byte order is fixed regardless of the host,
// and no struct is ever copied as raw memory, so the format does not depend on struct layout or
// padding. The free functions are the primitives; ByteWriter and ByteReader add a sticky failure
// flag so that a long sequence of fields is read with one check at the end.
#ifndef COATTAIL_BASE_BYTE_CODEC_H_
#define COATTAIL_BASE_BYTE_CODEC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace coattail::base {

void AppendU8(std::string& out, uint8_t v);
void AppendU32(std::string& out, uint32_t v);
void AppendU64(std::string& out, uint64_t v);
void AppendI64(std::string& out, int64_t v);
void AppendF64(std::string& out, double v);

// Reads from the front of `in` and advances it; returns false (leaving `in` untouched) when fewer
// bytes remain than the value needs.
bool ReadU8(std::string_view& in, uint8_t& v);
bool ReadU32(std::string_view& in, uint32_t& v);
bool ReadU64(std::string_view& in, uint64_t& v);
bool ReadI64(std::string_view& in, int64_t& v);
bool ReadF64(std::string_view& in, double& v);

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void U8(uint8_t v) { AppendU8(out_, v); }
  void I8(int8_t v) { AppendU8(out_, static_cast<uint8_t>(v)); }
  void Bool(bool v) { AppendU8(out_, v ? 1 : 0); }
  void U32(uint32_t v) { AppendU32(out_, v); }
  void U64(uint64_t v) { AppendU64(out_, v); }
  void I64(int64_t v) { AppendI64(out_, v); }
  void F64(double v) { AppendF64(out_, v); }
  // A length (u64) and the bytes.
  void String(std::string_view s) {
    AppendU64(out_, s.size());
    out_.append(s);
  }
  // A fixed number of bytes, no length: for byte arrays whose size the format fixes.
  template <size_t N>
  void Bytes(const std::array<uint8_t, N>& bytes) {
    out_.append(reinterpret_cast<const char*>(bytes.data()), N);
  }
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool U8(uint8_t& v) { return Check(ReadU8(in_, v)); }
  bool I8(int8_t& v);
  // Anything but 0 or 1 is corruption.
  bool Bool(bool& v);
  bool U32(uint32_t& v) { return Check(ReadU32(in_, v)); }
  bool U64(uint64_t& v) { return Check(ReadU64(in_, v)); }
  bool I64(int64_t& v) { return Check(ReadI64(in_, v)); }
  bool F64(double& v) { return Check(ReadF64(in_, v)); }
  bool String(std::string& s);
  template <size_t N>
  bool Bytes(std::array<uint8_t, N>& bytes) {
    if (!ok_ || in_.size() < N) return Fail();
    for (size_t i = 0; i < N; ++i) bytes[i] = static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(N);
    return true;
  }
  // Reads an element count that cannot exceed what the remaining bytes could hold when every
  // element takes at least `min_element_bytes`: a corrupt count fails here instead of driving a
  // huge allocation.
  bool Count(uint64_t& n, size_t min_element_bytes);
  // Marks the input corrupt (for a value that decoded but is out of range).
  bool Fail() {
    ok_ = false;
    return false;
  }

  // For nested codecs that take a std::string_view& cursor (DecayedMoments::ReadFrom, ...).
  std::string_view& rest() { return in_; }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && in_.empty(); }
  // OK, or DataLossError naming the section `what` that failed to decode.
  absl::Status status(std::string_view what) const;

 private:
  bool Check(bool read) { return read ? ok_ : Fail(); }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace coattail::base

#endif  // COATTAIL_BASE_BYTE_CODEC_H_
