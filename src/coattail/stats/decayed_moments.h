// Exponentially time-decayed weighted moments of one stream of observations (one wallet's
// market-adjusted forward returns): weight, Kish effective n, mean, reliability-weighted variance,
// standard error and a decayed hit counter (observations with x > 0).
//
// Weights. An observation added at time t_i weighs w_i(T) = 2^{-(T - t_i)/H} at the current time T
// (the time of the latest Add), H = half-life. With H <= 0, NaN or infinite there is no decay and
// every weight is 1, so count, mean and variance are the plain count, sample mean and sample
// variance (count exactly; mean and variance to rounding, property-tested against the two-pass
// formulas at 1e-12 relative).
//
// Representation. The state does not multiply every sum by a decay factor on each Add. It stores
// sums in the frame of an anchor time A: u_i = 2^{(t_i - A)/H}, so w_i(T) = u_i 2^{-(T - A)/H}.
// Mean, variance, effective n and hit rate are ratios in which the common factor cancels; only
// weight() applies it. u_i is computed as ldexp(exp2(r/H), q) with t_i - A = q H + r, 0 <= r < H
// (integers), so when A moves forward by a whole number of half-lives (a "rebase", done once new
// weights would exceed 2^64) every stored sum is scaled by an exact power of two and Remove
// recomputes bit-for-bit the u_i that Add used. Mean and M2 = sum u_i (x_i - mean)^2 are updated
// with West's (1979, CACM 22:532-535) weighted form of Welford's algorithm; Remove runs the same
// update backwards.
//
// Determinism: results depend only on the sequence of calls and their arguments (no clock).
//
// Forgetting. Two cases drop old observations on purpose; both are documented in docs/SCORING.md:
//  * a rebase finds that everything held weighs < 2^-64 of the new observation (64+ half-lives
//    of silence): below double precision anyway, the sums restart exactly from zero;
//  * a Remove would leave a residual weighing < 2^-30 of the weight before it: the residual keeps
//    fewer than ~22 significant bits, so it is dropped rather than reported as if it were exact.
//    The clock then advances by 1 ms (Add returns the time it used).
// A forgotten observation's later Remove is a successful no-op.
#ifndef COATTAIL_STATS_DECAYED_MOMENTS_H_
#define COATTAIL_STATS_DECAYED_MOMENTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::stats {

class DecayedMoments {
 public:
  // Times must lie in [-kMaxAbsTimeMs, kMaxAbsTimeMs] (2^61 ms, +-73 million years), which keeps
  // every difference of times inside int64.
  static constexpr int64_t kMaxAbsTimeMs = int64_t{1} << 61;

  // half_life_ms <= 0, NaN or +infinity: no decay. Otherwise the half-life is rounded to whole
  // milliseconds (at least 1, at most 2^61).
  explicit DecayedMoments(double half_life_ms = 0.0);

  // Decays the state to time t_ms, then adds observation x with weight 1. Times never go backwards:
  // t_ms earlier than last_time_ms() is treated as last_time_ms(). Returns the effective time used,
  // which is what a later Remove of this observation must be given. InvalidArgument (state
  // unchanged) when x is not finite, t_ms is out of range, or the sums would overflow.
  absl::StatusOr<int64_t> Add(double x, int64_t t_ms);

  // Undoes an earlier Add(x, ...) that returned t_added_ms, without moving the clock: subtracts the
  // observation with its current weight 2^{-(last - t_added)/H}. Exact to rounding in the sums (the
  // weight is bit-identical to the one added); the remaining mean and M2 carry an absolute error of
  // order 1e-16 times the magnitude before the removal. Errors: InvalidArgument when x is not
  // finite or t_added_ms is out of range or later than last_time_ms() (it cannot have been added);
  // FailedPrecondition when nothing is held or the weight to remove exceeds what is held (state
  // unchanged in both cases). See "Forgetting" above for the no-op case.
  absl::Status Remove(double x, int64_t t_added_ms);

  // 0 means no decay.
  int64_t half_life_ms() const { return half_life_ms_; }
  // Observations currently held (added, not removed, not forgotten).
  int64_t count() const { return count_; }
  // Time of the latest Add (0 before the first one).
  int64_t last_time_ms() const { return last_ms_; }

  // W = sum of weights at last_time_ms(), and the same decayed further to `t_ms` (earlier times are
  // treated as last_time_ms(): the state cannot be un-decayed).
  double weight() const { return WeightAt(last_ms_); }
  double WeightAt(int64_t t_ms) const;
  // Weight of the observations with x > 0, at last_time_ms().
  double hit_weight() const;
  // hit_weight() / weight(); 0 when nothing is held.
  double hit_rate() const;

  // Kish's effective sample size W^2 / W2 (W2 = sum of squared weights), clamped to [1, count] to
  // absorb rounding; exactly count() without decay; 0 when nothing is held.
  double effective_n() const;
  // Weighted mean; 0 when nothing is held.
  double mean() const;
  // Reliability-weights unbiased variance M2 / (W - W2/W); the sample variance without decay; 0
  // when effective_n() <= 1.
  double variance() const;
  // sqrt(variance() / effective_n()); 0 when the variance is 0.
  double std_error() const;

  // Fixed little-endian layout of every field (doubles as raw IEEE-754 bits), so that
  // ReadFrom(AppendTo(x)) is bit-identical to x and behaves identically afterwards. ReadFrom
  // consumes its bytes from the front of `in`; on error it returns DataLoss and leaves `in` as it
  // was.
  void AppendTo(std::string& out) const;
  static absl::StatusOr<DecayedMoments> ReadFrom(std::string_view& in);

 private:
  bool decays() const { return half_life_ms_ > 0; }
  // u for an observation at t_ms in the current anchor frame (1 without decay).
  double AnchorWeight(int64_t t_ms) const;
  // The same for an anchor at anchor_ms.
  double WeightFrom(int64_t anchor_ms, int64_t t_ms) const;
  // Add's arithmetic at time t (>= last_ms_), with no rebase due; `reanchor` moves the anchor to
  // t first (nothing is held).
  absl::StatusOr<int64_t> Accumulate(double x, int64_t t, bool reanchor);
  // Multiplies an anchor-frame sum by 2^{-(t_ms - anchor)/H}, t_ms >= anchor.
  double DecayFromAnchor(double value, int64_t t_ms) const;
  // Moves the anchor forward by `half_lives` half-lives (rescaling every sum by an exact power of
  // two) and forgets everything if what is left is negligible next to an observation at t_ms.
  void Rebase(int64_t half_lives, int64_t t_ms);
  void ClearSums();

  int64_t half_life_ms_ = 0;
  bool has_time_ = false;
  int64_t anchor_ms_ = 0;
  int64_t last_ms_ = 0;
  int64_t forget_before_ms_ = -kMaxAbsTimeMs;
  int64_t count_ = 0;
  double weight_sum_ = 0.0;     // sum u_i
  double weight_sq_sum_ = 0.0;  // sum u_i^2
  double mean_ = 0.0;           // sum u_i x_i / sum u_i
  double m2_ = 0.0;             // sum u_i (x_i - mean)^2
  double hit_sum_ = 0.0;        // sum of u_i over x_i > 0
};

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_DECAYED_MOMENTS_H_
