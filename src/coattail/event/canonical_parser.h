// The parser's fast path: a hand-written parser for lines of exactly the canonical shape, which
// EventParser::Parse (parser.cc) tries before the strict path. Internal to the parser: included
// by parser.cc only.
#ifndef COATTAIL_EVENT_CANONICAL_PARSER_H_
#define COATTAIL_EVENT_CANONICAL_PARSER_H_

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "coattail/event/event.h"
#include "coattail/event/field_grammar.h"
#include "coattail/event/parser.h"

namespace coattail::event::parser_internal {

// Internal linkage, as when this was part of parser.cc: it keeps GCC inlining the cursor's
// methods into TryCanonical (field_grammar.h says why linkage matters).
namespace {

// Nearly every line in practice is written by a serializer with the fields in the order of
// docs/EVENTS.md and no whitespace. TryCanonical parses exactly that shape by hand in one forward
// pass; on anything else (another order, whitespace, escapes, a number it does not handle exactly,
// or any invalid value) it gives up and the strict parser decides, so that acceptance,
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
    const auto mantissa = static_cast<double>(m);
    out = exponent >= 0 ? mantissa * kPow10[exponent] : mantissa / kPow10[-exponent];
    return true;
  }

  [[nodiscard]] bool AtEnd() const { return p_ == end_; }

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
inline bool TryCanonical(std::string_view line, const ParserOptions& options, EventView& out) {
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
}  // namespace coattail::event::parser_internal

#endif  // COATTAIL_EVENT_CANONICAL_PARSER_H_
