#include "coattail/sim/det_math.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace coattail::sim {
namespace {

// ln 2 split so that n * kLn2Hi is exact for |n| < 2^21 (kLn2Hi has 32 significant bits).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 7.07106781186547524401e-01;

// e^x = 2^m * 2^(j/32) * e^r with n = 32m + j = round(x * 32 / ln 2) and |r| <= ln(2)/64.
constexpr int kTableBits = 5;
constexpr int kTableSize = 1 << kTableBits;
constexpr double kInvLn2Scaled = 1.44269504088896338700e+00 * kTableSize;
constexpr double kLn2HiScaled = kLn2Hi / kTableSize;  // exact: a power-of-two scaling
constexpr double kLn2LoScaled = kLn2Lo / kTableSize;

// Double-double arithmetic (value = hi + lo) for the compile-time table below.
struct DoubleDouble {
  double hi;
  double lo;
};

constexpr DoubleDouble TwoSum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

constexpr DoubleDouble Add(DoubleDouble a, DoubleDouble b) {
  const DoubleDouble s = TwoSum(a.hi, b.hi);
  return TwoSum(s.hi, s.lo + a.lo + b.lo);
}

// Dekker's exact product of two doubles (no fused multiply-add needed).
constexpr DoubleDouble TwoProduct(double a, double b) {
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double ca = kSplit * a;
  const double a_hi = ca - (ca - a);
  const double a_lo = a - a_hi;
  const double cb = kSplit * b;
  const double b_hi = cb - (cb - b);
  const double b_lo = b - b_hi;
  const double p = a * b;
  return {p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo};
}

constexpr DoubleDouble Multiply(DoubleDouble a, DoubleDouble b) {
  const DoubleDouble p = TwoProduct(a.hi, b.hi);
  return TwoSum(p.hi, p.lo + a.hi * b.lo + a.lo * b.hi);
}

constexpr DoubleDouble DivideBySmallInt(DoubleDouble a, int n) {
  const double d = static_cast<double>(n);
  const double q1 = a.hi / d;
  const DoubleDouble back = TwoProduct(q1, d);  // exact q1 * d
  const double q2 = ((a.hi - back.hi) - back.lo + a.lo) / d;
  return TwoSum(q1, q2);
}

// 2^(j/32) for j = 0..31, correctly rounded in all but freak cases: a 30-term Taylor series of
// e^(j ln2 / 32) in double-double arithmetic at compile time. Constant evaluation uses IEEE
// arithmetic, so every compiler builds the same table.
constexpr std::array<double, kTableSize> kExp2Table = [] {
  std::array<double, kTableSize> t{};
  for (int j = 0; j < kTableSize; ++j) {
    const DoubleDouble r = TwoSum(static_cast<double>(j) * kLn2Hi / kTableSize,
                                  static_cast<double>(j) * kLn2Lo / kTableSize);
    DoubleDouble term{1.0, 0.0};
    DoubleDouble sum{1.0, 0.0};
    for (int n = 1; n < 30; ++n) {
      term = DivideBySmallInt(Multiply(term, r), n);
      sum = Add(sum, term);
    }
    t[static_cast<size_t>(j)] = sum.hi + sum.lo;
  }
  return t;
}();

// 2/(2j+1) for j = 1..11: log(1+f) = 2 atanh(s) = 2s + s * R(s^2) with s = f/(2+f) and
// R = sum_{j>=1} 2 s^(2j) / (2j+1).
constexpr std::array<double, 11> kAtanhTail = [] {
  std::array<double, 11> c{};
  for (int j = 1; j <= 11; ++j)
    c[static_cast<size_t>(j - 1)] = 2.0 / static_cast<double>(2 * j + 1);
  return c;
}();

// 2^k as a double for k in [-1022, 1023], built from its bits.
double Pow2(int k) { return std::bit_cast<double>(static_cast<uint64_t>(k + 1023) << 52); }

}  // namespace

double DetLog(double x) {
  if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int exponent = 0;
  if (x < std::numeric_limits<double>::min()) {  // subnormal: scale into the normal range (exact)
    x *= 0x1.0p54;
    exponent = -54;
  }
  // x = m * 2^exponent with m in [1, 2), read off the bits (exact).
  const auto bits = std::bit_cast<uint64_t>(x);
  exponent += static_cast<int>((bits >> 52) & 0x7FF) - 1023;
  double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL);
  if (m > 2.0 * kSqrtHalf) {
    m *= 0.5;  // exact
    ++exponent;
  }
  // m in [sqrt(1/2), sqrt(2)]: f = m - 1 is exact, |s| <= 0.1716 and s^2 <= 0.0295, so 11 terms
  // of R leave a relative error below 1e-19. Written as f minus small corrections so rounding stays
  // within about an ulp.
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double s2 = s * s;
  double r = kAtanhTail.back();
  for (size_t j = kAtanhTail.size() - 1; j-- > 0;) r = r * s2 + kAtanhTail[j];
  r *= s2;
  const double half_f2 = 0.5 * f * f;
  const double e = static_cast<double>(exponent);
  // log(1+f) = f - (f^2/2 - s * (f^2/2 + R)), since 2s = f - s*f and s*f = f^2/2 * (1 - s).
  return e * kLn2Hi - ((half_f2 - (s * (half_f2 + r) + e * kLn2Lo)) - f);
}

double DetExp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  // Round to a nearby integer (ties either way are fine: |r| stays within ln(2)/64 + rounding).
  // A conversion rather than std::floor, which is a library call on baseline x86-64.
  const double y = x * kInvLn2Scaled;
  const auto ni = static_cast<int>(y >= 0.0 ? y + 0.5 : y - 0.5);
  const auto n = static_cast<double>(ni);
  const int j = ni & (kTableSize - 1);
  const int m = (ni - j) / kTableSize;
  // n * kLn2HiScaled is exact, so the reduction loses nothing; |r| <= ln(2)/64 + rounding.
  const double r = (x - n * kLn2HiScaled) - n * kLn2LoScaled;
  // e^r - 1 = r + r^2 (1/2 + r/6 + ... + r^6/8!): the next term is below 1e-20.
  const double q =
      0.5 +
      r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 +
                                          r * (1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320))))));
  const double t = kExp2Table[static_cast<size_t>(j)];
  const double v = t + t * (r + r * r * q);  // in [1, 2^(31/32) * e^(ln2/64)] ~ [0.99, 2.02)
  if (m > 1000) return v * Pow2(1000) * Pow2(m - 1000);
  // Below 2^-1022 the final product rounds once into the subnormal range.
  if (m < -1000) return v * Pow2(-1000) * Pow2(m + 1000);
  return v * Pow2(m);
}

}  // namespace coattail::sim
