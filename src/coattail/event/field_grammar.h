// The vocabulary both event parsing paths share: field ids and which event kinds allow them, key
// matching, and the grammars of the identifier values (chains, symbols, hex strings). Everything
// here is inline so that the fast path and the strict path compile it into their own loops.
// Internal to the parser: included by parser.cc and field_decoding.cc only.
#ifndef COATTAIL_EVENT_FIELD_GRAMMAR_H_
#define COATTAIL_EVENT_FIELD_GRAMMAR_H_

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "coattail/event/hex.h"

namespace coattail::event::parser_internal {

// Field ids in the canonical order of docs/EVENTS.md; "missing field" reports the first missing
// one in this order, so the order is observable.
enum Field : uint8_t {
  kType,
  kChain,
  kBlockNumber,
  kBlockTime,
  kTxHash,
  kLogIndex,
  kWallet,
  kToken,
  kSide,
  kAmount,
  kPriceUsd,
  kUsdValue,
  kRemoved,
  kTime,
  kNumFields,
};

inline constexpr std::array<std::string_view, kNumFields> kFieldNames = {
    "type",  "chain", "block_number", "block_time", "tx_hash",   "log_index", "wallet",
    "token", "side",  "amount",       "price_usd",  "usd_value", "removed",   "time",
};

constexpr uint32_t Bit(Field f) { return uint32_t{1} << f; }

inline constexpr uint32_t kTradeRequired =
    Bit(kType) | Bit(kChain) | Bit(kBlockNumber) | Bit(kBlockTime) | Bit(kTxHash) | Bit(kLogIndex) |
    Bit(kWallet) | Bit(kToken) | Bit(kSide) | Bit(kAmount) | Bit(kPriceUsd) | Bit(kUsdValue);
inline constexpr uint32_t kTradeAllowed = kTradeRequired | Bit(kRemoved);
inline constexpr uint32_t kPriceRequired = Bit(kType) | Bit(kToken) | Bit(kTime) | Bit(kPriceUsd);
inline constexpr uint32_t kPriceAllowed = kPriceRequired;

// The functions below have internal linkage, as they had when they were part of parser.cc. GCC
// weighs inlining an inline function with external linkage against the chance that its
// out-of-line copy is shared with other translation units, and with that no longer inlined
// IsToken, DecodeHexString and LookupField into the parsing loops. Each of the two files that
// include this header gets its own copies.
namespace {

// Lowest-numbered field present in `mask` (mask must be non-zero).
inline Field FirstField(uint32_t mask) { return static_cast<Field>(std::countr_zero(mask)); }

// Looks up a decoded key; only keys written with escape sequences need this (MatchRawKey below
// handles keys as written).
inline Field LookupField(std::string_view key) {
  switch (key.size()) {
    case 4:
      if (key == "type") return kType;
      if (key == "side") return kSide;
      if (key == "time") return kTime;
      break;
    case 5:
      if (key == "chain") return kChain;
      if (key == "token") return kToken;
      break;
    case 6:
      if (key == "wallet") return kWallet;
      if (key == "amount") return kAmount;
      break;
    case 7:
      if (key == "tx_hash") return kTxHash;
      if (key == "removed") return kRemoved;
      break;
    case 9:
      if (key == "log_index") return kLogIndex;
      if (key == "price_usd") return kPriceUsd;
      if (key == "usd_value") return kUsdValue;
      break;
    case 10:
      if (key == "block_time") return kBlockTime;
      break;
    case 12:
      if (key == "block_number") return kBlockNumber;
      break;
    default:
      break;
  }
  return kNumFields;
}

// True when the raw key text at k is `key_with_quote` (a known key plus its closing quote).
template <size_t N>
inline bool RawKeyIs(const char* k, const char (&key_with_quote)[N]) {
  return std::memcmp(k, key_with_quote, N - 1) == 0;
}

// Matches the raw (still escaped) key text that starts at k, just after its opening quote, against
// the known keys without first scanning for its end: one switch on the first byte and one or two
// fixed-size compares that include the closing quote. Reading up to 13 bytes from k is safe: the
// key is followed by at least `":` and a value inside the line, and the line by the padding.
// Returns kNumFields when the raw text is no known key; the caller then looks at the decoded key.
inline Field MatchRawKey(const char* k) {
  switch (k[0]) {
    case 't':
      if (RawKeyIs(k, "type\"")) return kType;
      if (RawKeyIs(k, "tx_hash\"")) return kTxHash;
      if (RawKeyIs(k, "token\"")) return kToken;
      if (RawKeyIs(k, "time\"")) return kTime;
      break;
    case 'c':
      if (RawKeyIs(k, "chain\"")) return kChain;
      break;
    case 'b':
      if (RawKeyIs(k, "block_time\"")) return kBlockTime;
      if (RawKeyIs(k, "block_number\"")) return kBlockNumber;
      break;
    case 'l':
      if (RawKeyIs(k, "log_index\"")) return kLogIndex;
      break;
    case 'w':
      if (RawKeyIs(k, "wallet\"")) return kWallet;
      break;
    case 's':
      if (RawKeyIs(k, "side\"")) return kSide;
      break;
    case 'a':
      if (RawKeyIs(k, "amount\"")) return kAmount;
      break;
    case 'p':
      if (RawKeyIs(k, "price_usd\"")) return kPriceUsd;
      break;
    case 'u':
      if (RawKeyIs(k, "usd_value\"")) return kUsdValue;
      break;
    case 'r':
      if (RawKeyIs(k, "removed\"")) return kRemoved;
      break;
    default:
      break;
  }
  return kNumFields;
}

// Character classes for the identifier grammars, one table lookup per byte.
enum CharClass : uint8_t {
  kChainFirst = 1,   // [a-z0-9]
  kChainRest = 2,    // [a-z0-9_-]
  kSymbolFirst = 4,  // [A-Za-z0-9]
  kSymbolRest = 8,   // [A-Za-z0-9._-]
};

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    uint8_t v = 0;
    if (digit || lower) v |= kChainFirst;
    if (digit || lower || c == '_' || c == '-') v |= kChainRest;
    if (digit || lower || upper) v |= kSymbolFirst;
    if (digit || lower || upper || c == '.' || c == '_' || c == '-') v |= kSymbolRest;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}

inline constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

inline uint8_t ClassOf(char c) { return kCharClasses[static_cast<unsigned char>(c)]; }

// True when every byte of s is in `cls`. Branch-free over the bytes: identifiers are short and
// almost always valid, so an early exit would only add a branch per byte.
inline bool AllInClass(std::string_view s, uint8_t cls) {
  uint8_t acc = cls;
  for (char c : s) acc = static_cast<uint8_t>(acc & ClassOf(c));
  return acc != 0;
}

// "0x" followed by exactly `digits` hex digits (either case); `digits` is a multiple of 8.
inline bool IsHexString(std::string_view s, size_t digits) {
  if (s.size() != digits + 2 || s[0] != '0' || s[1] != 'x') return false;
  bool ok = true;
  for (size_t i = 2; i < s.size(); i += 8) ok &= EightHexDigits(s.data() + i);
  return ok;
}

// IsHexString for a fixed-size value, decoding it into `out` on the way.
template <size_t N>
inline bool DecodeHexString(std::string_view s, std::array<uint8_t, N>& out) {
  return s.size() == 2 * N + 2 && s[0] == '0' && s[1] == 'x' &&
         DecodeHexDigits(s.data() + 2, out.data(), N);
}

inline bool IsChain(std::string_view s) {
  return !s.empty() && s.size() <= 32 && (ClassOf(s[0]) & kChainFirst) != 0 &&
         AllInClass(s, kChainRest);
}

inline bool IsToken(std::string_view s) {
  if (s.size() == 42 && s[0] == '0' && s[1] == 'x') return IsHexString(s, 40);
  return !s.empty() && s.size() <= 32 && (ClassOf(s[0]) & kSymbolFirst) != 0 &&
         AllInClass(s, kSymbolRest);
}

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

}  // namespace coattail::event::parser_internal

#endif  // COATTAIL_EVENT_FIELD_GRAMMAR_H_
