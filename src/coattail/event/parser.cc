#include "coattail/event/parser.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coattail/event/hex.h"

namespace coattail::event {

static_assert(kParsePadding == simdjson::SIMDJSON_PADDING,
              "kParsePadding must match the padding simdjson reads past its input");

struct EventParser::Impl {
  simdjson::ondemand::parser parser;
};

namespace {

namespace ondemand = simdjson::ondemand;

// The abseil this project builds against has its own absl::string_view (not an alias of
// std::string_view), so std::string_view pieces are converted for absl::StrCat.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

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

constexpr std::array<std::string_view, kNumFields> kFieldNames = {
    "type",  "chain", "block_number", "block_time", "tx_hash",   "log_index", "wallet",
    "token", "side",  "amount",       "price_usd",  "usd_value", "removed",   "time",
};

constexpr uint32_t Bit(Field f) { return uint32_t{1} << f; }

constexpr uint32_t kTradeRequired = Bit(kType) | Bit(kChain) | Bit(kBlockNumber) | Bit(kBlockTime) |
                                    Bit(kTxHash) | Bit(kLogIndex) | Bit(kWallet) | Bit(kToken) |
                                    Bit(kSide) | Bit(kAmount) | Bit(kPriceUsd) | Bit(kUsdValue);
constexpr uint32_t kTradeAllowed = kTradeRequired | Bit(kRemoved);
constexpr uint32_t kPriceRequired = Bit(kType) | Bit(kToken) | Bit(kTime) | Bit(kPriceUsd);
constexpr uint32_t kPriceAllowed = kPriceRequired;

// Lowest-numbered field present in `mask` (mask must be non-zero).
Field FirstField(uint32_t mask) { return static_cast<Field>(std::countr_zero(mask)); }

// Looks up a decoded key; only keys written with escape sequences need this (MatchRawKey below
// handles keys as written).
Field LookupField(std::string_view key) {
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

constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

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

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The value's text as written in the line. raw_json_token() runs up to the next structural
// character, so it can carry trailing whitespace.
std::string_view RawToken(ondemand::value& v) { return TrimRight(v.raw_json_token()); }

// Keeps rejection reasons short even when the offending text is megabytes of garbage.
std::string_view Excerpt(std::string_view s) {
  constexpr size_t kMax = 40;
  return s.size() <= kMax ? s : s.substr(0, kMax);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// Used on error paths only, to tell "not JSON" from "JSON number of the wrong kind".
bool IsJsonNumber(std::string_view s, bool* is_integer) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n || !IsDigit(s[i])) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && IsDigit(s[i])) ++i;
  }
  *is_integer = true;
  if (i < n && s[i] == '.') {
    *is_integer = false;
    ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    *is_integer = false;
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  return i == n;
}

// Rejection reasons name the field and the kind of problem but not the offending value (the
// dead-letter record carries the raw line), so that they form a small set the run summary can
// count. Only unknown field names appear in a reason.
absl::Status FieldError(Field f, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", Av(kFieldNames[f]), "': ", Av(problem)));
}

absl::Status JsonError(simdjson::error_code e) {
  return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", simdjson::error_message(e)));
}

// Rejection for a value that is not of the `expected` JSON type. Text that is not JSON at all
// (NaN, Infinity, tru, 01) is reported as invalid JSON rather than as a type mismatch.
absl::Status WrongType(Field f, std::string_view expected, ondemand::value& v) {
  const std::string_view tok = RawToken(v);
  std::string_view got;
  bool is_integer = false;
  if (tok.empty()) {
    got = {};
  } else if (tok.front() == '"') {
    got = "a string";
  } else if (tok.front() == '{') {
    got = "an object";
  } else if (tok.front() == '[') {
    got = "an array";
  } else if (tok == "true" || tok == "false") {
    got = "a boolean";
  } else if (tok == "null") {
    got = "null";
  } else if (IsJsonNumber(tok, &is_integer)) {
    got = is_integer ? "an integer" : "a non-integer number";
  }
  if (got.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: field '", Av(kFieldNames[f]), "': not a JSON value"));
  }
  return FieldError(f, absl::StrCat("must be ", Av(expected), ", got ", Av(got)));
}

// The contents of a string value exactly as written (escape sequences are not decoded: none of
// the identifier grammars admits a backslash, so an escaped identifier fails validation).
absl::Status GetRawString(Field f, ondemand::value& v, std::string_view& out) {
  const std::string_view tok = RawToken(v);
  if (tok.size() < 2 || tok.front() != '"' || tok.back() != '"') {
    return WrongType(f, "a string", v);
  }
  out = tok.substr(1, tok.size() - 2);
  return absl::OkStatus();
}

absl::Status GetInteger(Field f, ondemand::value& v, int64_t& out) {
  if (v.get_int64().get(out) == simdjson::SUCCESS) return absl::OkStatus();
  const std::string_view tok = RawToken(v);
  bool is_integer = false;
  if (IsJsonNumber(tok, &is_integer) && is_integer) {
    return FieldError(f, "integer out of range");
  }
  return WrongType(f, "an integer", v);
}

absl::Status GetNonNegativeInteger(Field f, ondemand::value& v, int64_t& out) {
  if (absl::Status s = GetInteger(f, v, out); !s.ok()) return s;
  if (out < 0) return FieldError(f, "must be >= 0");
  return absl::OkStatus();
}

absl::Status GetPositiveNumber(Field f, ondemand::value& v, double& out) {
  if (v.get_double().get(out) != simdjson::SUCCESS) {
    const std::string_view tok = RawToken(v);
    bool is_integer = false;
    if (IsJsonNumber(tok, &is_integer)) {
      // Valid JSON number that does not fit a double, e.g. 1e400.
      return FieldError(f, "must be finite and > 0 (the number overflows a double)");
    }
    return WrongType(f, "a number", v);
  }
  // Written as !(x > 0) so that a NaN, should one ever get through, is rejected as well.
  if (!(out > 0) || !std::isfinite(out)) {
    return FieldError(f, "must be finite and > 0");
  }
  return absl::OkStatus();
}

absl::Status GetBool(Field f, ondemand::value& v, bool& out) {
  if (v.get_bool().get(out) == simdjson::SUCCESS) return absl::OkStatus();
  return WrongType(f, "a boolean", v);
}

// The document is not an object: say whether it is other JSON or not JSON at all (a bare word
// like `hello` is reported by simdjson as a type mismatch, not as a syntax error).
absl::Status NotAnObject(std::string_view line) {
  size_t start = 0;
  while (start < line.size() && IsJsonSpace(line[start])) ++start;
  const std::string_view text = TrimRight(line.substr(start));
  bool is_integer = false;
  const char c = text.front();  // non-empty: empty lines are rejected before parsing
  if (c == '[' || c == '"' || text == "true" || text == "false" || text == "null" ||
      IsJsonNumber(text, &is_integer)) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  return absl::InvalidArgumentError("invalid JSON: not a JSON value");
}

// ---- fast path -------------------------------------------------------------------------------
//
// Nearly every line in practice is written by a serializer with the fields in the order of
// docs/EVENTS.md and no whitespace. TryCanonical parses exactly that shape by hand in one forward
// pass; on anything else (another order, whitespace, escapes, a number it does not handle exactly,
// or any invalid value) it gives up and the strict parser above decides, so that acceptance,
// values and rejection reasons are those of the strict parser. Every byte of the line is matched,
// and only ASCII is accepted, so nothing the strict parser would reject can get through.

// The word-at-a-time helpers below read the first byte of a word as its lowest (x86-64, arm64).
static_assert(std::endian::native == std::endian::little, "the fast path assumes little-endian");

// p[0, N) == text[0, N) for a compile-time N, compared 8 bytes at a time with the last word
// overlapping the one before. GCC turns std::memcmp of more than 3 bytes into a library call,
// and the fast path compares a literal between every two values.
template <size_t N>
inline bool SameBytes(const char* p, const char* text) {
  if constexpr (N < 8) {
    bool same = true;
    for (size_t i = 0; i < N; ++i) same &= p[i] == text[i];
    return same;
  } else {
    uint64_t diff = 0;
    for (size_t i = 0; i + 8 <= N; i += 8) {
      uint64_t a = 0;
      uint64_t b = 0;
      std::memcpy(&a, p + i, 8);
      std::memcpy(&b, text + i, 8);
      diff |= a ^ b;
    }
    if constexpr (N % 8 != 0) {
      uint64_t a = 0;
      uint64_t b = 0;
      std::memcpy(&a, p + N - 8, 8);
      std::memcpy(&b, text + N - 8, 8);
      diff |= a ^ b;
    }
    return diff == 0;
  }
}

// When p[0, 8) are all decimal digits, sets `value` to the number they spell and returns true.
// Reads exactly 8 bytes; the caller makes sure they belong to the line.
inline bool EightDigits(const char* p, uint32_t& value) {
  uint64_t v = 0;
  std::memcpy(&v, p, 8);
  // A byte is a digit when its high nibble is 3 and adding 6 to it does not carry into that nibble.
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
  if ((v & kHigh) != 0x3030303030303030ULL ||
      ((v + 0x0606060606060606ULL) & kHigh) != 0x3030303030303030ULL) {
    return false;
  }
  v -= 0x3030303030303030ULL;  // little-endian: the first digit is the lowest byte
  v = v * 10 + (v >> 8);       // each even byte: a two-digit value
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  value = static_cast<uint32_t>(v);
  return true;
}

class CanonicalCursor {
 public:
  CanonicalCursor(const char* p, const char* end) : p_(p), end_(end) {}

  // Consumes `text` (a literal without its NUL) if the line continues with it.
  template <size_t N>
  bool Literal(const char (&text)[N]) {
    if (static_cast<size_t>(end_ - p_) < N - 1 || !SameBytes<N - 1>(p_, text)) return false;
    p_ += N - 1;
    return true;
  }

  // The raw text of a string value up to its closing quote, which is consumed. Identifiers cannot
  // contain a quote or a backslash, so the first quote ends any value that can be valid. The
  // values are short (a chain, a symbol), so the quote is looked for 8 bytes at a time inline
  // rather than through a call to memchr.
  bool StringBody(std::string_view& out) {
    const char* q = p_;
    for (; end_ - q >= 8; q += 8) {
      uint64_t v = 0;
      std::memcpy(&v, q, 8);
      const uint64_t x = v ^ 0x2222222222222222ULL;  // a quote becomes a zero byte
      // The lowest set bit marks the first zero byte (a borrow can only mark bytes above it).
      const uint64_t zero = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
      if (zero != 0) return CloseString(q + std::countr_zero(zero) / 8, out);
    }
    for (; q < end_; ++q) {
      if (*q == '"') return CloseString(q, out);
    }
    return false;
  }

  // The raw text of a string value of exactly `length` bytes, and its closing quote. Used for the
  // fixed-length hex values, where it saves searching for the quote.
  bool FixedStringBody(size_t length, std::string_view& out) {
    if (static_cast<size_t>(end_ - p_) <= length || p_[length] != '"') return false;
    out = std::string_view(p_, length);
    p_ += length + 1;
    return true;
  }

  // A non-negative integer as simdjson's get_int64 reads it: no sign, no leading zero, and at most
  // 18 digits so that it cannot overflow (longer valid values take the strict path).
  bool Integer(int64_t& out) {
    const char* start = p_;
    uint64_t v = 0;
    uint32_t eight = 0;
    while (end_ - p_ >= 8 && p_ - start <= 8 && EightDigits(p_, eight)) {
      v = v * 100'000'000 + eight;
      p_ += 8;
    }
    while (p_ < end_ && IsDigit(*p_) && p_ - start < 19) {
      v = v * 10 + static_cast<uint64_t>(*p_ - '0');
      ++p_;
    }
    const ptrdiff_t digits = p_ - start;
    if (digits == 0 || digits > 18 || (digits > 1 && *start == '0')) return false;
    out = static_cast<int64_t>(v);
    return true;
  }

  // A positive JSON number whose value is exactly m * 10^e with m < 2^53 and |e| <= 22. Then both
  // m and 10^|e| are exact doubles, and one multiplication or division rounds correctly, which is
  // the value simdjson's correctly rounded parser returns. Anything else takes the strict path.
  bool Number(double& out) {
    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t m = 0;
    int digits = 0;
    int exponent = 0;
    if (p_ >= end_ || !IsDigit(*p_)) return false;
    // Eight digits at a time while the count stays within 19 (m < 10^19 fits); the count may
    // run ahead of the exact one, which only sends more numbers to the strict path.
    uint32_t eight = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (digits <= 11 && end_ - p_ >= 8 && EightDigits(p_, eight)) {
        m = m * 100'000'000 + eight;
        digits += 8;
        p_ += 8;
      }
      while (p_ < end_ && IsDigit(*p_)) {
        m = m * 10 + static_cast<uint64_t>(*p_++ - '0');
        if (++digits > 19) return false;
      }
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      const char* frac = p_;
      while (digits <= 11 && end_ - p_ >= 8 && EightDigits(p_, eight)) {
        m = m * 100'000'000 + eight;
        if (m != 0) digits += 8;
        exponent -= 8;
        p_ += 8;
      }
      while (p_ < end_ && IsDigit(*p_)) {
        m = m * 10 + static_cast<uint64_t>(*p_++ - '0');
        if (m != 0 && ++digits > 19) return false;
        --exponent;
      }
      if (p_ == frac) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      bool negative = false;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) negative = *p_++ == '-';
      const char* exp_start = p_;
      int e = 0;
      while (p_ < end_ && IsDigit(*p_) && p_ - exp_start < 4) e = e * 10 + (*p_++ - '0');
      if (p_ == exp_start || p_ - exp_start >= 4) return false;
      exponent += negative ? -e : e;
    }
    if (m == 0 || m > (uint64_t{1} << 53) || exponent < -22 || exponent > 22) return false;
    const double mantissa = static_cast<double>(m);
    out = exponent >= 0 ? mantissa * kPow10[exponent] : mantissa / kPow10[-exponent];
    return true;
  }

  bool AtEnd() const { return p_ == end_; }

 private:
  bool CloseString(const char* close, std::string_view& out) {
    out = std::string_view(p_, static_cast<size_t>(close - p_));
    p_ = close + 1;
    return true;
  }

  const char* p_;
  const char* end_;
};

// Parses a line of exactly the canonical shape into `out`. Returns false, with `out` unspecified,
// for any other line, valid or not.
bool TryCanonical(std::string_view line, const ParserOptions& options, EventView& out) {
  CanonicalCursor c(line.data(), line.data() + line.size());
  if (c.Literal(R"({"type":"price","token":")")) {
    PriceView& p = out.price;
    if (!c.StringBody(p.token) || !IsToken(p.token) || !c.Literal(R"(,"time":)") ||
        !c.Integer(p.time_ms) || !c.Literal(R"(,"price_usd":)") || !c.Number(p.price_usd) ||
        !c.Literal("}") || !c.AtEnd()) {
      return false;
    }
    if (p.time_ms < options.min_time_ms || p.time_ms > options.max_time_ms) return false;
    out.kind = EventKind::kPrice;
    return true;
  }
  if (!c.Literal(R"({"type":"trade","chain":")")) return false;
  TradeView& t = out.trade;
  if (!c.StringBody(t.chain) || !IsChain(t.chain) || !c.Literal(R"(,"block_number":)") ||
      !c.Integer(t.block_number) || !c.Literal(R"(,"block_time":)") ||
      !c.Integer(t.block_time_ms) || !c.Literal(R"(,"tx_hash":")") ||
      !c.FixedStringBody(66, t.tx_hash) || !DecodeHexString(t.tx_hash, t.tx_hash_bytes) ||
      !c.Literal(R"(,"log_index":)") || !c.Integer(t.log_index) || !c.Literal(R"(,"wallet":")") ||
      !c.FixedStringBody(42, t.wallet) || !DecodeHexString(t.wallet, t.wallet_bytes) ||
      !c.Literal(R"(,"token":")") || !c.StringBody(t.token) || !IsToken(t.token) ||
      !c.Literal(R"(,"side":")")) {
    return false;
  }
  if (c.Literal(R"(buy")")) {
    t.side = Side::kBuy;
  } else if (c.Literal(R"(sell")")) {
    t.side = Side::kSell;
  } else {
    return false;
  }
  if (!c.Literal(R"(,"amount":)") || !c.Number(t.amount) || !c.Literal(R"(,"price_usd":)") ||
      !c.Number(t.price_usd) || !c.Literal(R"(,"usd_value":)") || !c.Number(t.usd_value)) {
    return false;
  }
  t.removed = false;
  if (c.Literal(R"(,"removed":true)")) {
    t.removed = true;
  } else if (!c.Literal(R"(,"removed":false)")) {
    // Absent: the object must end here.
  }
  if (!c.Literal("}") || !c.AtEnd()) return false;
  if (t.block_time_ms < options.min_time_ms || t.block_time_ms > options.max_time_ms) {
    return false;
  }
  // The same test, written the same way, as the strict path's.
  const double product = t.amount * t.price_usd;
  if (!std::isfinite(product) ||
      !(std::fabs(t.usd_value - product) <= kUsdValueTolerance * product)) {
    return false;
  }
  out.kind = EventKind::kTrade;
  return true;
}

}  // namespace

EventParser::EventParser(ParserOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}

EventParser::~EventParser() = default;

absl::Status EventParser::Parse(std::string_view line, EventView& out) {
  if (options_.canonical_fast_path && TryCanonical(line, options_, out)) return absl::OkStatus();
  {
    size_t i = 0;
    while (i < line.size() && IsJsonSpace(line[i])) ++i;
    if (i == line.size()) return absl::InvalidArgumentError("empty line");
  }

  ondemand::parser& parser = impl_->parser;
  if (line.size() > parser.capacity()) {
    // Grow geometrically: simdjson would otherwise reallocate to the exact size of every line
    // longer than the last.
    const size_t capacity = std::max(line.size(), 2 * parser.capacity());
    if (parser.allocate(capacity, parser.max_depth()) != simdjson::SUCCESS) {
      return absl::ResourceExhaustedError(
          absl::StrCat("cannot allocate a JSON parser for a ", line.size(), "-byte line"));
    }
  }

  ondemand::document doc;
  if (auto e = parser
                   .iterate(simdjson::padded_string_view(line.data(), line.size(),
                                                         line.size() + kParsePadding))
                   .get(doc);
      e != simdjson::SUCCESS) {
    return JsonError(e);
  }
  ondemand::object object;
  if (auto e = doc.get_object().get(object); e != simdjson::SUCCESS) {
    if (e == simdjson::INCORRECT_TYPE) return NotAnObject(line);
    if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
      // simdjson checks up front that an object document ends with '}'; say what that means.
      return absl::InvalidArgumentError(
          "invalid JSON: the object does not end the line (truncated, or followed by other text)");
    }
    return JsonError(e);
  }

  uint32_t seen = 0;
  EventKind kind = EventKind::kPrice;
  std::string_view chain, tx_hash, wallet, token;
  std::array<uint8_t, 32> tx_hash_bytes{};
  std::array<uint8_t, 20> wallet_bytes{};
  int64_t block_number = 0, block_time = 0, log_index = 0, time = 0;
  double amount = 0, price_usd = 0, usd_value = 0;
  Side side = Side::kBuy;
  bool removed = false;

  for (auto field_result : object) {
    if (field_result.error() != simdjson::SUCCESS) return JsonError(field_result.error());
    // Used in place: moving the field out with get() costs a store-forwarding stall per field.
    ondemand::field& field = field_result.value_unsafe();

    const char* raw_key = field.key().raw();
    Field f = MatchRawKey(raw_key);
    if (f == kNumFields) {
      // Not a known key as written: it is unknown, or a known key spelled with escapes.
      size_t key_len = 0;
      while (raw_key[key_len] != '"' && raw_key[key_len] != '\\') ++key_len;
      std::string_view key(raw_key, key_len);
      if (raw_key[key_len] == '\\') {
        if (auto e = field.unescaped_key().get(key); e != simdjson::SUCCESS) return JsonError(e);
        f = LookupField(key);
      }
      if (f == kNumFields) {
        return absl::InvalidArgumentError(absl::StrCat("unknown field '", Av(Excerpt(key)), "'"));
      }
    }
    if ((seen & Bit(f)) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate field '", Av(kFieldNames[f]), "'"));
    }
    seen |= Bit(f);

    ondemand::value& v = field.value();
    absl::Status s;
    switch (f) {
      case kType: {
        std::string_view type;
        s = GetRawString(f, v, type);
        if (!s.ok()) break;
        if (type == "trade") {
          kind = EventKind::kTrade;
        } else if (type == "price") {
          kind = EventKind::kPrice;
        } else {
          s = FieldError(f, "must be 'trade' or 'price'");
        }
        break;
      }
      case kChain:
        s = GetRawString(f, v, chain);
        if (s.ok() && !IsChain(chain)) s = FieldError(f, "must match [a-z0-9][a-z0-9_-]{0,31}");
        break;
      case kBlockNumber:
        s = GetNonNegativeInteger(f, v, block_number);
        break;
      case kBlockTime:
        s = GetInteger(f, v, block_time);
        break;
      case kTxHash:
        s = GetRawString(f, v, tx_hash);
        if (s.ok() && !DecodeHexString(tx_hash, tx_hash_bytes)) {
          s = FieldError(f, "not a 0x-prefixed 64-hex transaction hash");
        }
        break;
      case kLogIndex:
        s = GetNonNegativeInteger(f, v, log_index);
        break;
      case kWallet:
        s = GetRawString(f, v, wallet);
        if (s.ok() && !DecodeHexString(wallet, wallet_bytes))
          s = FieldError(f, "not a 0x-prefixed 40-hex address");
        break;
      case kToken:
        s = GetRawString(f, v, token);
        if (s.ok() && !IsToken(token)) {
          s = FieldError(f,
                         "not a symbol ([A-Za-z0-9][A-Za-z0-9._-]{0,31}) or a 0x-prefixed 40-hex "
                         "address");
        }
        break;
      case kSide: {
        std::string_view text;
        s = GetRawString(f, v, text);
        if (!s.ok()) break;
        if (text == "buy") {
          side = Side::kBuy;
        } else if (text == "sell") {
          side = Side::kSell;
        } else {
          s = FieldError(f, "must be 'buy' or 'sell'");
        }
        break;
      }
      case kAmount:
        s = GetPositiveNumber(f, v, amount);
        break;
      case kPriceUsd:
        s = GetPositiveNumber(f, v, price_usd);
        break;
      case kUsdValue:
        s = GetPositiveNumber(f, v, usd_value);
        break;
      case kRemoved:
        s = GetBool(f, v, removed);
        break;
      case kTime:
        s = GetInteger(f, v, time);
        break;
      case kNumFields:
        break;
    }
    if (!s.ok()) return s;
  }

  // A complete object followed by more JSON (`{...} {...}` or `{...}}`) leaves unread tokens.
  const char* location = nullptr;
  if (doc.current_location().get(location) != simdjson::OUT_OF_BOUNDS) {
    return absl::InvalidArgumentError("trailing content after the JSON object");
  }

  if ((seen & Bit(kType)) == 0) return absl::InvalidArgumentError("missing field 'type'");
  const bool is_trade = kind == EventKind::kTrade;
  const uint32_t allowed = is_trade ? kTradeAllowed : kPriceAllowed;
  const uint32_t required = is_trade ? kTradeRequired : kPriceRequired;
  if (const uint32_t extra = seen & ~allowed; extra != 0) {
    return FieldError(FirstField(extra),
                      is_trade ? "not allowed in a trade event" : "not allowed in a price event");
  }
  if (const uint32_t missing = required & ~seen; missing != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing field '", Av(kFieldNames[FirstField(missing)]), "'"));
  }

  const Field time_field = is_trade ? kBlockTime : kTime;
  const int64_t event_time = is_trade ? block_time : time;
  if (event_time < options_.min_time_ms || event_time > options_.max_time_ms) {
    return FieldError(time_field,
                      absl::StrCat("outside the plausible range [", options_.min_time_ms, ", ",
                                   options_.max_time_ms, "] (epoch milliseconds)"));
  }

  out.kind = kind;
  if (is_trade) {
    const double product = amount * price_usd;
    // An overflowing product is infinite and an underflowing one is 0; neither can match.
    if (!std::isfinite(product) ||
        !(std::fabs(usd_value - product) <= kUsdValueTolerance * product)) {
      return FieldError(kUsdValue, "differs from amount * price_usd by more than 0.5%");
    }
    TradeView& t = out.trade;
    t.chain = chain;
    t.block_number = block_number;
    t.block_time_ms = block_time;
    t.tx_hash = tx_hash;
    t.tx_hash_bytes = tx_hash_bytes;
    t.log_index = log_index;
    t.wallet = wallet;
    t.wallet_bytes = wallet_bytes;
    t.token = token;
    t.side = side;
    t.amount = amount;
    t.price_usd = price_usd;
    t.usd_value = usd_value;
    t.removed = removed;
  } else {
    PriceView& p = out.price;
    p.token = token;
    p.time_ms = time;
    p.price_usd = price_usd;
  }
  return absl::OkStatus();
}

}  // namespace coattail::event
