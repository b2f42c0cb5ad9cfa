#include "coattail/sim/decimal.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace coattail::sim {
namespace {

// 10^0 .. 10^22 are exactly representable, which makes m / 10^k and m * 10^k (m < 2^53) correctly
// rounded in one operation: exactly what a correctly rounding parser returns for the text.
constexpr int kMaxExactPow10 = 22;
constexpr std::array<double, kMaxExactPow10 + 1> kPow10 = [] {
  std::array<double, kMaxExactPow10 + 1> p{};
  double v = 1.0;
  for (double& x : p) {
    x = v;
    v *= 10.0;
  }
  return p;
}();

constexpr std::array<int64_t, 16> kPow10Int = [] {
  std::array<int64_t, 16> p{};
  int64_t v = 1;
  for (int64_t& x : p) {
    x = v;
    v *= 10;
  }
  return p;
}();

// value * 10^k for any k in [-44, 44]; exact power when |k| <= 22.
double ScaleByPow10(double value, int k) {
  if (k >= 0) {
    if (k <= kMaxExactPow10) return value * kPow10[static_cast<size_t>(k)];
    return value * kPow10[kMaxExactPow10] * kPow10[static_cast<size_t>(k - kMaxExactPow10)];
  }
  const int n = -k;
  if (n <= kMaxExactPow10) return value / kPow10[static_cast<size_t>(n)];
  return value / kPow10[kMaxExactPow10] / kPow10[static_cast<size_t>(n - kMaxExactPow10)];
}

// value ~= mantissa * 10^-scale with mantissa of exactly `significant` digits, then trailing zeros
// of the fraction removed.
struct Scaled {
  int64_t mantissa;
  int scale;
};

Scaled ToScaled(double value, int significant) {
  // value in [2^be, 2^(be+1)): callers pass normal numbers, so the exponent field gives be exactly.
  const int binary_exponent =
      static_cast<int>((std::bit_cast<uint64_t>(value) >> 52) & 0x7FF) - 1023;
  // First guess of floor(log10(value)) = floor(be * log10(2)) with log10(2) ~ 1233 / 4096 (an
  // arithmetic shift floors); off by at most one, corrected by the mantissa range below.
  int decimal_exponent = (binary_exponent * 1233) >> 12;
  const int64_t lower = kPow10Int[static_cast<size_t>(significant - 1)];
  const int64_t upper = kPow10Int[static_cast<size_t>(significant)];
  Scaled s{0, 0};
  for (int attempt = 0; attempt < 4; ++attempt) {
    s.scale = significant - 1 - decimal_exponent;
    const double scaled = ScaleByPow10(value, s.scale);
    s.mantissa = static_cast<int64_t>(scaled + 0.5);  // scaled < 10^15 < 2^52, so + 0.5 is exact
    if (s.mantissa >= upper) {
      ++decimal_exponent;
    } else if (s.mantissa < lower) {
      --decimal_exponent;
    } else {
      break;
    }
  }
  while (s.scale > 0 && s.mantissa % 10 == 0) {
    s.mantissa /= 10;
    --s.scale;
  }
  return s;
}

double ExactValue(const Scaled& s) {
  const double m = static_cast<double>(s.mantissa);
  if (s.scale >= 0) return m / kPow10[static_cast<size_t>(s.scale)];
  return m * kPow10[static_cast<size_t>(-s.scale)];
}

bool InPlainRange(double value) { return value >= 1e-20 && value <= 1e20; }

}  // namespace

char* WriteDecimal(char* out, double value, int significant, double* parsed) {
  if (!InPlainRange(value)) {
    const std::to_chars_result r = std::to_chars(out, out + kMaxDecimalChars, value);
    if (parsed != nullptr) *parsed = value;
    return r.ptr;
  }
  const Scaled s = ToScaled(value, significant);
  char digits[24];
  const std::to_chars_result r = std::to_chars(digits, digits + sizeof(digits), s.mantissa);
  const int n = static_cast<int>(r.ptr - digits);
  char* p = out;
  if (s.scale <= 0) {
    std::memcpy(p, digits, static_cast<size_t>(n));
    p += n;
    for (int i = 0; i < -s.scale; ++i) *p++ = '0';
  } else if (s.scale < n) {
    const int int_digits = n - s.scale;
    std::memcpy(p, digits, static_cast<size_t>(int_digits));
    p += int_digits;
    *p++ = '.';
    std::memcpy(p, digits + int_digits, static_cast<size_t>(s.scale));
    p += s.scale;
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < s.scale - n; ++i) *p++ = '0';
    std::memcpy(p, digits, static_cast<size_t>(n));
    p += n;
  }
  if (parsed != nullptr) {
    if (s.scale <= kMaxExactPow10 && s.scale >= -kMaxExactPow10) {
      *parsed = ExactValue(s);
    } else {
      double v = 0.0;
      std::from_chars(out, p, v);
      *parsed = v;
    }
  }
  return p;
}

double RoundDecimal(double value, int significant) {
  if (!InPlainRange(value)) return value;
  const Scaled s = ToScaled(value, significant);
  if (s.scale <= kMaxExactPow10 && s.scale >= -kMaxExactPow10) return ExactValue(s);
  char buf[kMaxDecimalChars];
  double v = 0.0;
  WriteDecimal(buf, value, significant, &v);
  return v;
}

char* WriteHex64(char* out, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[v & 0xF];
    v >>= 4;
  }
  return out + 16;
}

}  // namespace coattail::sim
