// Online market beta of one token against the benchmark, shrunk towards 1.
//
// From paired interval log returns (x = benchmark, y = token) it keeps
//   n,  Sxx = sum x^2,  Sxy = sum x y
// and reports
//   beta = (Sxy + k mean_xx * 1) / (Sxx + k mean_xx),   mean_xx = Sxx / n,
// i.e. the through-origin least-squares slope Sxy/Sxx after adding k pseudo-observations that lie
// exactly on a beta-1 line and have the sample's average x^2. Equivalently
//   beta = (n * beta_ols + k * 1) / (n + k),
// a precision-weighted average of the data and the prior beta of 1, in the spirit of Vasicek
// (1973, JF 28:1233-1239) and Blume (1975, JF 30:785-795): k is the prior's strength in
// observations. beta = 1 when n = 0 or Sxx = 0.
//
// No demeaning: over intervals of minutes the expected log return is ~0 while its sd is orders of
// magnitude larger, so the regression through the origin loses nothing measurable and stays a pair
// of running sums (no catastrophic cancellation from Sxx - n xbar^2).
#ifndef COATTAIL_STATS_BETA_ESTIMATOR_H_
#define COATTAIL_STATS_BETA_ESTIMATOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::stats {

class BetaEstimator {
 public:
  static constexpr double kDefaultPriorStrength = 20.0;

  // prior_strength: k >= 0 and finite (0 = plain OLS through the origin).
  explicit BetaEstimator(double prior_strength = kDefaultPriorStrength);

  // Adds one pair of log returns over the same interval. InvalidArgument (state unchanged) when
  // either is not finite or the sums would overflow: one NaN would otherwise poison this token's
  // beta for good.
  absl::Status Add(double bench_log_return, double token_log_return);

  double beta() const;

  int64_t count() const { return n_; }
  double sxx() const { return sxx_; }
  double sxy() const { return sxy_; }
  double prior_strength() const { return prior_strength_; }

  // Fixed little-endian layout (tag, version, k, n, Sxx, Sxy); ReadFrom(AppendTo(x)) is
  // bit-identical to x. ReadFrom consumes the bytes it reads from the front of `in`; on error it
  // returns DataLoss and leaves `in` unchanged.
  void AppendTo(std::string& out) const;
  static absl::StatusOr<BetaEstimator> ReadFrom(std::string_view& in);

 private:
  double prior_strength_;
  int64_t n_ = 0;
  double sxx_ = 0.0;
  double sxy_ = 0.0;
};

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_BETA_ESTIMATOR_H_
