// Wilson score interval for a binomial proportion.
#ifndef COATTAIL_STATS_WILSON_H_
#define COATTAIL_STATS_WILSON_H_

namespace coattail::stats {

// The two-sided 95% normal quantile rounded to three digits, the customary default. The exact
// quantile is 1.959963984540054; the difference moves 8/10 bounds in the 6th decimal.
inline constexpr double kDefaultWilsonZ = 1.96;

struct WilsonInterval {
  double lower = 0.0;
  double upper = 1.0;
};

// Wilson (1927, JASA 22:209-212) score interval for p given `successes` out of `trials`:
//   p^ = s/n,  k = 1 + z^2/n,
//   centre = (p^ + z^2/(2n)) / k,  half = (z/k) sqrt(p^(1-p^)/n + z^2/(4n^2)),
//   [lower, upper] = [centre - half, centre + half].
// Successes and trials may be non-integer (decayed or effective counts). The side nearer 0 or 1 is
// computed from the product identities lower*upper = p^2/k and (1-lower)(1-upper) = (1-p^)^2/k,
// which avoid the cancellation in centre - half: so lower is exactly 0 when s = 0 and upper exactly
// 1 when s = n. trials <= 0 or NaN gives [0, 1]; successes are clamped into [0, trials]; z must be
// >= 0.
WilsonInterval WilsonScoreInterval(double successes, double trials, double z = kDefaultWilsonZ);

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_WILSON_H_
