#include "coattail/aws/base64.h"

#include <array>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace coattail::aws {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr uint8_t kInvalid = 0xFF;

constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

void Base64Append(std::string& out, std::string_view bytes) {
  const size_t start = out.size();
  out.resize(start + Base64EncodedSize(bytes.size()));
  char* dst = out.data() + start;
  const auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{src[i]} << 16) | (uint32_t{src[i + 1]} << 8) | src[i + 2];
    *dst++ = kAlphabet[(v >> 18) & 63];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = kAlphabet[(v >> 6) & 63];
    *dst++ = kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{src[i]} << 16;
    *dst++ = kAlphabet[(v >> 18) & 63];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = '=';
    *dst++ = '=';
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{src[i]} << 16) | (uint32_t{src[i + 1]} << 8);
    *dst++ = kAlphabet[(v >> 18) & 63];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = kAlphabet[(v >> 6) & 63];
    *dst++ = '=';
  }
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  Base64Append(out, bytes);
  return out;
}

absl::Status Base64DecodeAppend(std::string& out, std::string_view text) {
  if (text.size() % 4 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("base64: length ", text.size(), " is not a multiple of 4"));
  }
  if (text.empty()) return absl::OkStatus();
  size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  const size_t start = out.size();
  out.resize(start + text.size() / 4 * 3 - padding);
  char* dst = out.data() + start;
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  const size_t full_groups = text.size() / 4 - (padding > 0 ? 1 : 0);
  auto bad = [&](size_t position) {
    out.resize(start);
    return absl::InvalidArgumentError(
        absl::StrCat("base64: invalid character at offset ", position));
  };
  for (size_t g = 0; g < full_groups; ++g) {
    const unsigned char* p = src + 4 * g;
    const uint8_t a = kDecode[p[0]], b = kDecode[p[1]], c = kDecode[p[2]], d = kDecode[p[3]];
    // Valid symbols are below 64, so the OR is 0xFF exactly when one of them is invalid.
    if ((a | b | c | d) == kInvalid) {
      for (size_t k = 0; k < 4; ++k) {
        if (kDecode[p[k]] == kInvalid) return bad(4 * g + k);
      }
    }
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    *dst++ = static_cast<char>((v >> 16) & 0xFF);
    *dst++ = static_cast<char>((v >> 8) & 0xFF);
    *dst++ = static_cast<char>(v & 0xFF);
  }
  if (padding > 0) {
    const size_t base = 4 * full_groups;
    const unsigned char* p = src + base;
    const size_t symbols = 4 - padding;
    uint32_t v = 0;
    for (size_t k = 0; k < symbols; ++k) {
      const uint8_t s = kDecode[p[k]];
      if (s == kInvalid) return bad(base + k);
      v |= uint32_t{s} << (18 - 6 * k);
    }
    // Bits that the padding says are unused must be zero.
    const uint32_t unused_mask = padding == 2 ? 0xFFFFu : 0xFFu;
    if ((v & unused_mask) != 0) {
      out.resize(start);
      return absl::InvalidArgumentError("base64: non-zero bits in the padded final group");
    }
    *dst++ = static_cast<char>((v >> 16) & 0xFF);
    if (padding == 1) *dst++ = static_cast<char>((v >> 8) & 0xFF);
  }
  return absl::OkStatus();
}

}  // namespace coattail::aws
