#include "coattail/stats/distributions.h"

#include <math.h>  // NOLINT(modernize-deprecated-headers): lgamma_r is POSIX, not in <cmath>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace coattail::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// mu(z) = ln Gamma(z) - [(z - 1/2) ln z - z + ln(2 pi)/2], the remainder of Stirling's series
// (A&S 6.1.41): sum_k B_{2k} / (2k (2k-1) z^{2k-1}). Six terms; for z >= 10 the first omitted term,
// 1/(156 z^13), is below 7e-16.
double StirlingRemainder(double z) {
  const double r = 1.0 / z;
  const double r2 = r * r;
  return r * (1.0 / 12.0 -
              r2 * (1.0 / 360.0 -
                    r2 * (1.0 / 1260.0 -
                          r2 * (1.0 / 1680.0 - r2 * (1.0 / 1188.0 - r2 * (691.0 / 360360.0))))));
}

// std::lgamma stores the sign of Gamma in the global `signgam`, a data race when scores are
// computed on several threads; lgamma_r returns it through a local instead.
double LogGamma(double z) {
  int sign = 0;
  return ::lgamma_r(z, &sign);
}

// Below this larger argument, lgamma values are small enough that their difference is accurate.
constexpr double kStirlingThreshold = 10.0;

// Continued fraction of A&S 26.5.8 (Numerical Recipes 6.4):
//   I_x(a,b) = x^a y^b / (a B(a,b)) * 1/(1+ d1/(1+ d2/(1+ ...))),
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),   d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)).
// For large a and x near 1 (Student t with many degrees of freedom) every odd d is within O(1/a)
// of -1, and the textbook recurrence, which forms 1 + d_{2m+1} D numerically, loses about log10(a)
// digits. We therefore evaluate the even contraction (Jones & Thron, "Continued Fractions", 1980)
//   1/(1+d1 - d1 d2/(1+d2+d3 - d3 d4/(1+d4+d5 - ...)))
// whose partial denominators contain 1 + d_{2m+1} as a whole, and form that quantity
// algebraically from y = 1 - x: with c = a+m and P = a+2m,
//   P(P+1)(1 + d_{2m+1}) = P(P+1) - c(c+b)x = c(2m+1-b) + m(m+1) + c(c+b)y,
// a sum of non-negative terms whenever 2m+1 >= b (always, for Student t's b = 1/2). The contracted
// fraction is evaluated by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986;
// Numerical Recipes 5.2). The caller keeps x below about (a+1)/(a+b+2), where it converges fast.
double BetaContinuedFraction(double a, double b, double x, double y) {
  // Lentz replaces an exact zero denominator by this to step over it.
  constexpr double kTiny = 1e-300;
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  // Far above what any argument in range needs; the loop ends on convergence.
  constexpr int kMaxIterations = 1'000'000;

  // d_k for odd k = 2m+1, its complement 1 + d_{2m+1}, and d_k for even k = 2m.
  const auto odd = [&](double m) {
    return -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
  };
  const auto one_plus_odd = [&](double m) {
    const double c = a + m;
    const double p = a + 2.0 * m;
    const double numerator = 2.0 * m + 1.0 >= b
                                 ? c * (2.0 * m + 1.0 - b) + m * (m + 1.0) + c * (c + b) * y
                                 : p * (p + 1.0) - c * (c + b) * x;
    return numerator / (p * (p + 1.0));
  };
  const auto even = [&](double m) {
    return m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
  };
  const auto nonzero = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };

  // f = beta_0 + alpha_1/(beta_1 + alpha_2/(beta_2 + ...)), the result is 1/f, with
  // beta_0 = 1 + d1, beta_m = 1 + d_{2m} + d_{2m+1}, alpha_m = -d_{2m-1} d_{2m}.
  double f = nonzero(one_plus_odd(0.0));
  double c = f;
  double d = 0.0;
  for (int step = 1; step <= kMaxIterations; ++step) {
    const auto m = static_cast<double>(step);
    const double d_even = even(m);
    const double alpha = -odd(m - 1.0) * d_even;
    const double beta = d_even + one_plus_odd(m);
    d = 1.0 / nonzero(beta + alpha * d);
    c = nonzero(beta + alpha / c);
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1.0) <= kEps) break;
  }
  return 1.0 / f;
}

// x^a y^b / (a B(a, b)) * CF(a, b, x), the direct series side of I_x(a, b). `y` = 1 - x is passed
// separately because callers can often compute it without the cancellation of 1 - x.
double IncompleteBetaDirect(double a, double b, double x, double y) {
  // ln x and ln y: whichever of x, y is the larger goes through log1p of the other, which is exact
  // to rounding even when the larger one is within an ulp of 1.
  const double log_x = x <= 0.5 ? std::log(x) : std::log1p(-y);
  const double log_y = y <= 0.5 ? std::log(y) : std::log1p(-x);
  const double front = std::exp(a * log_x + b * log_y - LogBeta(a, b));
  return front * BetaContinuedFraction(a, b, x, y) / a;
}

// I_x(a, b) with y = 1 - x supplied by the caller; x, y in [0, 1], a, b > 0.
double IncompleteBeta(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  // The continued fraction converges fast below the mean-ish point (a+1)/(a+b+2); above it use the
  // symmetry I_x(a, b) = 1 - I_y(b, a) (A&S 26.5.2).
  if (x * (a + b + 2.0) < a + 1.0) return IncompleteBetaDirect(a, b, x, y);
  return 1.0 - IncompleteBetaDirect(b, a, y, x);
}

}  // namespace

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double NormalSf(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

double LogBeta(double a, double b) {
  if (std::isnan(a) || std::isnan(b) || a <= 0.0 || b <= 0.0) return kNaN;
  const double big = std::max(a, b);
  const double small = std::min(a, b);
  if (big < kStirlingThreshold) return LogGamma(a) + LogGamma(b) - LogGamma(a + b);
  // ln Gamma(A) - ln Gamma(A + s)
  //   = (A - 1/2) ln(A / (A + s)) - s ln(A + s) + s + mu(A) - mu(A + s),
  // from Stirling's formula applied to both terms. For a small s (Student's b = 1/2) every term
  // is O(s ln A), so nothing large cancels.
  const double sum = big + small;
  const double diff = (big - 0.5) * std::log1p(-small / sum) - small * std::log(sum) + small +
                      (StirlingRemainder(big) - StirlingRemainder(sum));
  return LogGamma(small) + diff;
}

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(x) || a <= 0.0 || b <= 0.0 || x < 0.0 ||
      x > 1.0) {
    return kNaN;
  }
  return IncompleteBeta(a, b, x, 1.0 - x);
}

double StudentTSf(double t, double df) {
  if (std::isnan(t) || std::isnan(df) || df <= 0.0) return kNaN;
  if (std::isinf(df)) return NormalSf(t);
  const double t2 = t * t;
  if (std::isinf(t2)) return t > 0.0 ? 0.0 : 1.0;
  if (t2 == 0.0) return 0.5;
  // x = df/(df+t^2) and y = t^2/(df+t^2) are each formed directly, so neither suffers from 1 - x.
  const double denom = df + t2;
  const double half_tail = 0.5 * IncompleteBeta(0.5 * df, 0.5, df / denom, t2 / denom);
  return t > 0.0 ? half_tail : 1.0 - half_tail;
}

}  // namespace coattail::stats
