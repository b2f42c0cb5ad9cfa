// Hex digits a word at a time: validating and decoding the transaction hashes and addresses that
// make up over a third of every trade line. Shared by the parser, which decodes them once while it
// validates, and by the engine's ParseHexBytes.
#ifndef COATTAIL_EVENT_HEX_H_
#define COATTAIL_EVENT_HEX_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace coattail::event {

constexpr uint64_t RepeatByte(uint8_t byte) { return 0x0101010101010101ULL * byte; }

// For 8 ASCII bytes (each < 0x80), the high bit of each byte of the result is set iff that byte is
// in [lo, hi]. Adding (0x80 - lo) sets a byte's high bit iff byte >= lo, adding (0x7F - hi) iff
// byte > hi; no byte overflows into its neighbour because byte + constant < 0x100.
constexpr uint64_t BytesInRange(uint64_t x, uint8_t lo, uint8_t hi) {
  return (x + RepeatByte(static_cast<uint8_t>(0x80 - lo))) &
         ~(x + RepeatByte(static_cast<uint8_t>(0x7F - hi))) & RepeatByte(0x80);
}

// True when all 8 bytes at p are hex digits (either case).
inline bool EightHexDigits(const char* p) {
  uint64_t x = 0;
  std::memcpy(&x, p, sizeof(x));
  if ((x & RepeatByte(0x80)) != 0) return false;
  const uint64_t digit = BytesInRange(x, '0', '9');
  const uint64_t letter = BytesInRange(x | RepeatByte(0x20), 'a', 'f');
  return (digit | letter) == RepeatByte(0x80);
}

// Decodes the 8 hex digits at p into 4 bytes at out. Returns false, leaving out unspecified, if
// any of them is not a hex digit.
inline bool DecodeEightHexDigits(const char* p, uint8_t* out) {
  if (!EightHexDigits(p)) return false;
  uint64_t x = 0;
  std::memcpy(&x, p, sizeof(x));
  // Digits map to their low nibble; letters (bit 6 set) to their low nibble + 9.
  uint64_t v = (x & RepeatByte(0x0f)) + ((x >> 6) & RepeatByte(0x01)) * 9;
  // Each 16-bit lane holds (first digit, second digit) in (low, high) byte: pair them up.
  v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffULL;
  out[0] = static_cast<uint8_t>(v);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 32);
  out[3] = static_cast<uint8_t>(v >> 48);
  return true;
}

// Decodes 2 * n hex digits at `digits` into n bytes; n must be a multiple of 4.
inline bool DecodeHexDigits(const char* digits, uint8_t* out, size_t n) {
  bool ok = true;
  for (size_t i = 0; i < n; i += 4) ok &= DecodeEightHexDigits(digits + 2 * i, out + i);
  return ok;
}

}  // namespace coattail::event

#endif  // COATTAIL_EVENT_HEX_H_
