#include "coattail/stats/wilson.h"

#include <algorithm>
#include <cmath>

namespace coattail::stats {

WilsonInterval WilsonScoreInterval(double successes, double trials, double z) {
  if (std::isnan(trials) || std::isnan(successes) || trials <= 0.0) return {0.0, 1.0};
  const double s = std::clamp(successes, 0.0, trials);
  const double n = trials;
  const double p = s / n;
  const double q = (n - s) / n;  // 1 - p without rounding p first
  const double z2n = z * z / n;
  const double k = 1.0 + z2n;
  const double half = (z / k) * std::sqrt(p * q / n + z2n / (4.0 * n));
  WilsonInterval out;
  if (p <= 0.5) {
    out.upper = (p + 0.5 * z2n) / k + half;
    // lower = p^2 / (k upper): the product form is free of cancellation as lower -> 0.
    out.lower = p == 0.0 ? 0.0 : p * p / (k * out.upper);
  } else {
    // The mirror image: work with the failure proportion q < 1/2.
    const double one_minus_lower = (q + 0.5 * z2n) / k + half;
    out.lower = 1.0 - one_minus_lower;
    out.upper = q == 0.0 ? 1.0 : 1.0 - q * q / (k * one_minus_lower);
  }
  out.lower = std::clamp(out.lower, 0.0, 1.0);
  out.upper = std::clamp(out.upper, 0.0, 1.0);
  return out;
}

}  // namespace coattail::stats
