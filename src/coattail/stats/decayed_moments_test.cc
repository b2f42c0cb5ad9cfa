#include "coattail/stats/decayed_moments.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace coattail::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Adds and checks success; returns the effective time.
int64_t MustAdd(DecayedMoments& m, double x, int64_t t) {
  const absl::StatusOr<int64_t> used = m.Add(x, t);
  EXPECT_TRUE(used.ok()) << used.status();
  return used.ok() ? *used : 0;
}

std::string Bytes(const DecayedMoments& m) {
  std::string out;
  m.AppendTo(out);
  return out;
}

TEST(DecayedMomentsTest, HalfLifeParameter) {
  EXPECT_EQ(DecayedMoments().half_life_ms(), 0);
  EXPECT_EQ(DecayedMoments(0.0).half_life_ms(), 0);
  EXPECT_EQ(DecayedMoments(-5.0).half_life_ms(), 0);
  EXPECT_EQ(DecayedMoments(kInf).half_life_ms(), 0);
  EXPECT_EQ(DecayedMoments(kNaN).half_life_ms(), 0);
  EXPECT_EQ(DecayedMoments(1500.4).half_life_ms(), 1500);
  EXPECT_EQ(DecayedMoments(0.2).half_life_ms(), 1);
}

TEST(DecayedMomentsTest, EmptyState) {
  const DecayedMoments m(1000.0);
  EXPECT_EQ(m.count(), 0);
  EXPECT_EQ(m.weight(), 0.0);
  EXPECT_EQ(m.effective_n(), 0.0);
  EXPECT_EQ(m.mean(), 0.0);
  EXPECT_EQ(m.variance(), 0.0);
  EXPECT_EQ(m.std_error(), 0.0);
  EXPECT_EQ(m.hit_rate(), 0.0);
}

TEST(DecayedMomentsTest, NoDecayIsPlainSampleStatistics) {
  // x = {-1, 2, 0, 3}: mean 4/4 = 1; deviations -2, 1, -1, 2; M2 = 4 + 1 + 1 + 4 = 10;
  // sample variance 10/3; std error sqrt(10/3 / 4) = sqrt(5/6) = 0.912870929175277;
  // hits: 2 and 3 (0 is not a hit) -> 2 of 4.
  DecayedMoments m;
  const std::vector<double> xs = {-1.0, 2.0, 0.0, 3.0};
  const std::vector<int64_t> ts = {0, 86'400'000, 5, 1'000'000'000};  // times do not matter
  for (size_t i = 0; i < xs.size(); ++i) MustAdd(m, xs[i], ts[i]);
  EXPECT_EQ(m.count(), 4);
  EXPECT_EQ(m.weight(), 4.0);
  EXPECT_EQ(m.effective_n(), 4.0);
  EXPECT_EQ(m.mean(), 1.0);
  EXPECT_DOUBLE_EQ(m.variance(), 10.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.std_error(), std::sqrt(5.0 / 6.0));
  EXPECT_EQ(m.hit_weight(), 2.0);
  EXPECT_EQ(m.hit_rate(), 0.5);
}

TEST(DecayedMomentsTest, DecayHandComputed) {
  // H = 1000 ms. x = 1 at t = 0, x = 3 at t = 1000, x = -2 at t = 2000.
  DecayedMoments m(1000.0);
  MustAdd(m, 1.0, 0);
  MustAdd(m, 3.0, 1000);
  // At T = 1000 the weights are {1/2, 1}: W = 1.5, W2 = 1.25, mean = (0.5 + 3) / 1.5 = 7/3,
  // M2 = 0.5 (1 - 7/3)^2 + (3 - 7/3)^2 = 8/9 + 4/9 = 4/3, n_eff = 2.25 / 1.25 = 1.8,
  // variance = (4/3) / (1.5 - 1.25/1.5) = (4/3) / (2/3) = 2, std error = sqrt(2 / 1.8) =
  // sqrt(10/9).
  EXPECT_DOUBLE_EQ(m.weight(), 1.5);
  EXPECT_DOUBLE_EQ(m.mean(), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.effective_n(), 1.8);
  EXPECT_DOUBLE_EQ(m.variance(), 2.0);
  EXPECT_DOUBLE_EQ(m.std_error(), std::sqrt(10.0 / 9.0));
  MustAdd(m, -2.0, 2000);
  // At T = 2000 the weights are {1/4, 1/2, 1}: W = 1.75, W2 = 1/16 + 1/4 + 1 = 1.3125,
  // mean = (0.25 + 1.5 - 2) / 1.75 = -1/7, M2 = sum w x^2 - W mean^2 = 8.75 - 1.75/49 = 61/7,
  // n_eff = 1.75^2 / 1.3125 = 7/3, variance = (61/7) / (1.75 - 0.75) = 61/7,
  // std error = sqrt((61/7) / (7/3)) = sqrt(183)/7 = 1.93253560835267;
  // hit weight = 1/4 + 1/2 = 0.75, hit rate = 0.75 / 1.75 = 3/7.
  EXPECT_DOUBLE_EQ(m.weight(), 1.75);
  EXPECT_DOUBLE_EQ(m.mean(), -1.0 / 7.0);
  EXPECT_DOUBLE_EQ(m.effective_n(), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.variance(), 61.0 / 7.0);
  EXPECT_DOUBLE_EQ(m.std_error(), std::sqrt(183.0) / 7.0);
  EXPECT_DOUBLE_EQ(m.hit_weight(), 0.75);
  EXPECT_DOUBLE_EQ(m.hit_rate(), 3.0 / 7.0);
  // One more half-life of silence halves the weight; the ratios do not change.
  EXPECT_DOUBLE_EQ(m.WeightAt(3000), 0.875);
  EXPECT_DOUBLE_EQ(m.WeightAt(1000), 1.75);  // cannot un-decay: earlier times read as T
}

TEST(DecayedMomentsTest, FractionalHalfLives) {
  // H = 1500 ms, observations at 0 and 750: the first weighs 2^(-750/1500) = 1/sqrt(2).
  DecayedMoments m(1500.0);
  MustAdd(m, 2.0, 0);
  MustAdd(m, 4.0, 750);
  const double w = 1.0 / std::sqrt(2.0);
  EXPECT_DOUBLE_EQ(m.weight(), 1.0 + w);
  EXPECT_DOUBLE_EQ(m.mean(), (2.0 * w + 4.0) / (1.0 + w));
}

TEST(DecayedMomentsTest, TimeNeverGoesBackwards) {
  DecayedMoments m(1000.0);
  EXPECT_EQ(MustAdd(m, 1.0, 5000), 5000);
  EXPECT_EQ(MustAdd(m, 3.0, 4000), 5000);  // read as 5000: both weigh 1
  EXPECT_EQ(m.last_time_ms(), 5000);
  EXPECT_DOUBLE_EQ(m.weight(), 2.0);
  EXPECT_DOUBLE_EQ(m.mean(), 2.0);
  // Removing with the returned time undoes it exactly.
  ASSERT_TRUE(m.Remove(3.0, 5000).ok());
  EXPECT_EQ(m.mean(), 1.0);
  EXPECT_EQ(m.weight(), 1.0);
}

TEST(DecayedMomentsTest, RemoveWithoutDecay) {
  // {1, 2, 3} minus 2 = {1, 3}: mean 2, sample variance ((1-2)^2 + (3-2)^2) / 1 = 2.
  DecayedMoments m;
  MustAdd(m, 1.0, 0);
  MustAdd(m, 2.0, 1);
  MustAdd(m, 3.0, 2);
  ASSERT_TRUE(m.Remove(2.0, 1).ok());
  EXPECT_EQ(m.count(), 2);
  EXPECT_DOUBLE_EQ(m.mean(), 2.0);
  EXPECT_DOUBLE_EQ(m.variance(), 2.0);
  // Then {1}: one observation has no variance.
  ASSERT_TRUE(m.Remove(3.0, 2).ok());
  EXPECT_DOUBLE_EQ(m.mean(), 1.0);
  EXPECT_EQ(m.variance(), 0.0);
  EXPECT_EQ(m.std_error(), 0.0);
}

TEST(DecayedMomentsTest, RemoveWithDecayHandComputed) {
  // The three observations of DecayHandComputed, then remove x = 3 added at t = 1000. Left at
  // T = 2000: x = 1 with w = 1/4 and x = -2 with w = 1: W = 1.25, mean = (0.25 - 2)/1.25 = -1.4,
  // M2 = 0.25 * 2.4^2 + 0.6^2 = 1.44 + 0.36 = 1.8, W2 = 1.0625, n_eff = 1.5625/1.0625 = 25/17,
  // variance = 1.8 / (1.25 - 0.85) = 4.5, hit weight 0.25.
  DecayedMoments m(1000.0);
  MustAdd(m, 1.0, 0);
  MustAdd(m, 3.0, 1000);
  MustAdd(m, -2.0, 2000);
  ASSERT_TRUE(m.Remove(3.0, 1000).ok());
  EXPECT_EQ(m.count(), 2);
  EXPECT_DOUBLE_EQ(m.weight(), 1.25);
  EXPECT_NEAR(m.mean(), -1.4, 1e-15);
  EXPECT_NEAR(m.effective_n(), 25.0 / 17.0, 1e-15);
  EXPECT_NEAR(m.variance(), 4.5, 1e-14);
  EXPECT_DOUBLE_EQ(m.hit_weight(), 0.25);
  EXPECT_EQ(m.last_time_ms(), 2000);  // Remove does not move the clock
}

TEST(DecayedMomentsTest, RemovingEverythingIsExactlyEmpty) {
  DecayedMoments m(1000.0);
  MustAdd(m, 0.3, 0);
  MustAdd(m, -0.1, 700);
  ASSERT_TRUE(m.Remove(0.3, 0).ok());
  ASSERT_TRUE(m.Remove(-0.1, 700).ok());
  EXPECT_EQ(m.count(), 0);
  EXPECT_EQ(m.weight(), 0.0);
  EXPECT_EQ(m.mean(), 0.0);
  EXPECT_EQ(m.variance(), 0.0);
  // Starts afresh; the clock is kept.
  EXPECT_EQ(MustAdd(m, 5.0, 100), 700);
  EXPECT_EQ(m.mean(), 5.0);
  EXPECT_EQ(m.weight(), 1.0);
}

TEST(DecayedMomentsTest, RemoveErrorsLeaveStateUnchanged) {
  DecayedMoments fresh(1000.0);
  EXPECT_EQ(fresh.Remove(1.0, 0).code(), absl::StatusCode::kInvalidArgument);  // nothing added yet

  DecayedMoments m(1000.0);
  MustAdd(m, 1.0, 0);
  MustAdd(m, 2.0, 10'000);
  const std::string before = Bytes(m);
  EXPECT_EQ(m.Remove(2.0, 10'001).code(), absl::StatusCode::kInvalidArgument);  // after last Add
  EXPECT_EQ(m.Remove(kNaN, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Bytes(m), before);
  ASSERT_TRUE(m.Remove(2.0, 10'000).ok());
  // What is left weighs 2^-10; removing a weight-1 observation again is impossible.
  const std::string after = Bytes(m);
  EXPECT_EQ(m.Remove(2.0, 10'000).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Bytes(m), after);
  ASSERT_TRUE(m.Remove(1.0, 0).ok());
  EXPECT_EQ(m.Remove(1.0, 0).code(), absl::StatusCode::kFailedPrecondition);  // empty
}

TEST(DecayedMomentsTest, AddErrorsLeaveStateUnchanged) {
  DecayedMoments m(1000.0);
  MustAdd(m, 1e200, 0);
  const std::string before = Bytes(m);
  EXPECT_EQ(m.Add(kNaN, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.Add(kInf, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.Add(1.0, DecayedMoments::kMaxAbsTimeMs + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  // (1e200 - (-1e200))^2 overflows M2.
  EXPECT_EQ(m.Add(-1e200, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Bytes(m), before);
}

TEST(DecayedMomentsTest, RebaseMatchesDirectWeights) {
  // H = 1000: x = 1, 2, 3 at t = 0, 40 000, 70 000. The third Add is 70 half-lives after the
  // anchor, which forces a rebase (scaling by 2^-70); the weights at T = 70 000 must still be
  // exactly 2^-70, 2^-30 and 1.
  DecayedMoments m(1000.0);
  MustAdd(m, 1.0, 0);
  MustAdd(m, 2.0, 40'000);
  MustAdd(m, 3.0, 70'000);
  const long double w0 = std::ldexp(1.0L, -70);
  const long double w1 = std::ldexp(1.0L, -30);
  const long double total = w0 + w1 + 1.0L;
  EXPECT_NEAR(m.weight(), static_cast<double>(total), 1e-16);
  EXPECT_NEAR(m.mean(), static_cast<double>((w0 + 2.0L * w1 + 3.0L) / total), 1e-15);
  EXPECT_EQ(m.count(), 3);
  // The middle observation is removed with bit-for-bit its own weight.
  ASSERT_TRUE(m.Remove(2.0, 40'000).ok());
  EXPECT_NEAR(m.weight(), static_cast<double>(w0 + 1.0L), 1e-16);
  EXPECT_NEAR(m.mean(), static_cast<double>((w0 + 3.0L) / (w0 + 1.0L)), 1e-15);
}

TEST(DecayedMomentsTest, LongSilenceForgetsNegligibleHistory) {
  // 100 half-lives of silence: the old observation weighs 2^-100 next to the new one, far below
  // double precision, and is dropped; its later Remove is a successful no-op.
  DecayedMoments m(1000.0);
  MustAdd(m, 5.0, 0);
  MustAdd(m, 1.0, 100'000);
  EXPECT_EQ(m.count(), 1);
  EXPECT_EQ(m.mean(), 1.0);
  EXPECT_EQ(m.weight(), 1.0);
  ASSERT_TRUE(m.Remove(5.0, 0).ok());
  EXPECT_EQ(m.count(), 1);
  EXPECT_EQ(m.mean(), 1.0);
}

TEST(DecayedMomentsTest, RemoveLeavingOnlyRoundingNoiseForgetsTheResidual) {
  // Two observations at t = 0 and one 40 half-lives later: removing the new one would leave
  // 2 * 2^-40 of the weight (< 2^-30), whose mean would have ~12 correct bits. It is dropped, the
  // clock moves to 40 001, and the dropped observations can still be "removed".
  DecayedMoments m(1000.0);
  MustAdd(m, 5.0, 0);
  MustAdd(m, 6.0, 0);
  MustAdd(m, 1.0, 40'000);
  ASSERT_TRUE(m.Remove(1.0, 40'000).ok());
  EXPECT_EQ(m.count(), 0);
  EXPECT_EQ(m.weight(), 0.0);
  EXPECT_EQ(m.last_time_ms(), 40'001);
  ASSERT_TRUE(m.Remove(5.0, 0).ok());
  EXPECT_EQ(MustAdd(m, 2.0, 40'000), 40'001);
  EXPECT_EQ(m.mean(), 2.0);
}

TEST(DecayedMomentsTest, RemoveLeavingASmallButExactResidualKeepsIt) {
  // 20 half-lives: the residual weighs 2^-20 (> 2^-30) and keeps ~32 bits; its mean comes back to
  // 5 within 2^-52 * 2^20 * |x - mean| ~ 1e-9.
  DecayedMoments m(1000.0);
  MustAdd(m, 5.0, 0);
  MustAdd(m, 1.0, 20'000);
  ASSERT_TRUE(m.Remove(1.0, 20'000).ok());
  EXPECT_EQ(m.count(), 1);
  EXPECT_NEAR(m.mean(), 5.0, 1e-8);
  EXPECT_NEAR(m.weight(), std::ldexp(1.0, -20), 1e-20);
  EXPECT_EQ(m.effective_n(), 1.0);
  EXPECT_EQ(m.variance(), 0.0);
}

TEST(DecayedMomentsTest, SerializationRoundTripIsBitIdentical) {
  DecayedMoments m(3'600'000.0);
  MustAdd(m, 0.0123, 1'767'225'600'000);
  MustAdd(m, -0.0456, 1'767'225'660'000);
  MustAdd(m, 0.0789, 1'767'229'200'000);
  ASSERT_TRUE(m.Remove(-0.0456, 1'767'225'660'000).ok());
  std::string bytes = Bytes(m);
  DecayedMoments(1000.0).AppendTo(bytes);  // a second record right behind it
  std::string_view in = bytes;
  absl::StatusOr<DecayedMoments> restored = DecayedMoments::ReadFrom(in);
  ASSERT_TRUE(restored.ok()) << restored.status();
  absl::StatusOr<DecayedMoments> second = DecayedMoments::ReadFrom(in);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(Bytes(*restored) + Bytes(*second), bytes);
  // The restored copy behaves identically from here on.
  MustAdd(m, 0.5, 1'767'300'000'000);
  MustAdd(*restored, 0.5, 1'767'300'000'000);
  EXPECT_EQ(Bytes(*restored), Bytes(m));
}

TEST(DecayedMomentsTest, ReadFromRejectsDamage) {
  DecayedMoments m(1000.0);
  MustAdd(m, 1.0, 0);
  const std::string bytes = Bytes(m);
  std::string_view truncated(bytes.data(), bytes.size() - 1);
  EXPECT_EQ(DecayedMoments::ReadFrom(truncated).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(truncated.size(), bytes.size() - 1);  // not consumed
  std::string wrong_version = bytes;
  wrong_version[1] = 2;
  std::string_view in = wrong_version;
  EXPECT_EQ(DecayedMoments::ReadFrom(in).status().code(), absl::StatusCode::kDataLoss);
  // Layout: tag, version, flags (3 bytes), then half-life, anchor, last, forget-before, count
  // (int64 each), then W, W2, mean, M2, hits. Make W (offset 43) negative by setting its sign bit.
  std::string negative_weight = bytes;
  negative_weight[43 + 7] = static_cast<char>(negative_weight[43 + 7] | 0x80);
  in = negative_weight;
  EXPECT_EQ(DecayedMoments::ReadFrom(in).status().code(), absl::StatusCode::kDataLoss);
  // A count of zero with non-zero sums (count is at offset 35).
  std::string zero_count = bytes;
  zero_count[35] = 0;
  in = zero_count;
  EXPECT_EQ(DecayedMoments::ReadFrom(in).status().code(), absl::StatusCode::kDataLoss);
}

// ---- Properties ----------------------------------------------------------------------------

struct Observation {
  double x;
  int64_t gap_ms;  // time since the previous observation
};

// So that rapidcheck can print a counterexample.
void showValue(const Observation& o, std::ostream& os) {
  os << "{x=" << o.x << ", gap_ms=" << o.gap_ms << "}";
}

// Returns in [-1, 1] on a grid, gaps of 0 to 3 half-lives (H = 1000): every weight stays >= 2^-3
// of the newest, so no property below runs into the forgetting thresholds.
rc::Gen<std::vector<Observation>> Observations(int min_size) {
  return rc::gen::suchThat(
      rc::gen::container<std::vector<Observation>>(rc::gen::construct<Observation>(
          rc::gen::map(rc::gen::inRange(-100'000, 100'001),
                       [](int k) { return static_cast<double>(k) / 100'000.0; }),
          rc::gen::inRange<int64_t>(0, 3001))),
      [min_size](const std::vector<Observation>& v) {
        return static_cast<int>(v.size()) >= min_size && v.size() <= 200;
      });
}

bool RelClose(double a, double b, double tol, double scale) {
  return std::fabs(a - b) <= tol * (std::fabs(b) + scale);
}

// A variance is only determined to about eps |mean| sd in absolute terms: the deviations x - mean
// inherit the rounding of the mean (two observations -0.99999 and -1 have sd 7e-6, so one ulp of
// the mean is already 1.6e-11 of the variance). A Remove subtracts u (x - mean)(x - mean'), which
// carries that rounding times the removed point's own deviation |x - mean|, and the absolute
// rounding of the larger M2 it is subtracted from (`var_during`: the variance while x was in).
// The tolerance is 1e-12 relative plus those floors.
struct Conditioning {
  double mean;
  double var_during = 0.0;
  double removed_deviation = 0.0;
};
bool VarianceClose(double got, double want, const Conditioning& c) {
  const double sd = std::sqrt(want);
  const double eps = std::numeric_limits<double>::epsilon();
  const double floor =
      64.0 * eps * ((std::fabs(c.mean) + sd) * (sd + c.removed_deviation) + c.var_during);
  return std::fabs(got - want) <= 1e-12 * want + floor;
}

RC_GTEST_PROP(DecayedMomentsProperty, NoDecayEqualsTwoPass, ()) {
  const std::vector<Observation> obs = *Observations(2);
  DecayedMoments m;
  int64_t t = 0;
  for (const Observation& o : obs) {
    t += o.gap_ms;
    RC_ASSERT(m.Add(o.x, t).ok());
  }
  // Two-pass reference in long double.
  long double sum = 0;
  for (const Observation& o : obs) sum += static_cast<long double>(o.x);
  const auto n = static_cast<long double>(obs.size());
  const long double mean = sum / n;
  long double ss = 0;
  for (const Observation& o : obs) {
    const long double d = static_cast<long double>(o.x) - mean;
    ss += d * d;
  }
  const auto var = static_cast<double>(ss / (n - 1));
  RC_ASSERT(m.effective_n() == static_cast<double>(obs.size()));
  RC_ASSERT(RelClose(m.mean(), static_cast<double>(mean), 1e-12, 1.0));
  RC_ASSERT(VarianceClose(m.variance(), var, {.mean = m.mean()}));
  // se = sqrt(variance / n) by definition; the variance itself is checked above.
  RC_ASSERT(RelClose(m.std_error(), std::sqrt(m.variance() / static_cast<double>(obs.size())),
                     1e-15, 0.0));
}

RC_GTEST_PROP(DecayedMomentsProperty, DecayEqualsDirectWeights, ()) {
  const std::vector<Observation> obs = *Observations(1);
  DecayedMoments m(1000.0);
  std::vector<int64_t> times;
  int64_t t = 0;
  for (const Observation& o : obs) {
    t += o.gap_ms;
    times.push_back(t);
    RC_ASSERT(m.Add(o.x, t).ok());
  }
  // Direct weights w_i = 2^{-(T - t_i)/H} in long double.
  long double w = 0, w2 = 0, swx = 0, hits = 0;
  for (size_t i = 0; i < obs.size(); ++i) {
    const long double wi = std::exp2(-static_cast<long double>(t - times[i]) / 1000.0L);
    w += wi;
    w2 += wi * wi;
    swx += wi * static_cast<long double>(obs[i].x);
    if (obs[i].x > 0) hits += wi;
  }
  const long double mean = swx / w;
  long double m2 = 0;
  for (size_t i = 0; i < obs.size(); ++i) {
    const long double wi = std::exp2(-static_cast<long double>(t - times[i]) / 1000.0L);
    const long double d = static_cast<long double>(obs[i].x) - mean;
    m2 += wi * d * d;
  }
  const long double n_eff = w * w / w2;
  RC_ASSERT(RelClose(m.weight(), static_cast<double>(w), 1e-12, 0.0));
  RC_ASSERT(RelClose(m.hit_weight(), static_cast<double>(hits), 1e-12, 1e-12));
  RC_ASSERT(RelClose(m.mean(), static_cast<double>(mean), 1e-12, 1.0));
  RC_ASSERT(RelClose(m.effective_n(), static_cast<double>(n_eff), 1e-12, 0.0));
  if (n_eff > 1.0L + 1e-9L) {
    const auto var = static_cast<double>(m2 / (w - w2 / w));
    RC_ASSERT(VarianceClose(m.variance(), var, {.mean = m.mean()}));
  }
}

RC_GTEST_PROP(DecayedMomentsProperty, AddThenRemoveRestoresTheState, (bool decay)) {
  const std::vector<Observation> obs = *Observations(1);
  DecayedMoments m(decay ? 1000.0 : 0.0);
  int64_t t = 0;
  for (const Observation& o : obs) {
    t += o.gap_ms;
    RC_ASSERT(m.Add(o.x, t).ok());
  }
  const DecayedMoments before = m;
  const double x = static_cast<double>(*rc::gen::inRange(-100'000, 100'001)) / 100'000.0;
  const int64_t when = t + *rc::gen::inRange<int64_t>(0, 3001);
  const absl::StatusOr<int64_t> used = m.Add(x, when);
  RC_ASSERT(used.ok());
  const double var_during = m.variance();
  RC_ASSERT(m.Remove(x, *used).ok());
  // The clock has moved to `when`: compare with the old state decayed to then.
  RC_ASSERT(m.count() == before.count());
  RC_ASSERT(RelClose(m.weight(), before.WeightAt(when), 1e-12, 0.0));
  RC_ASSERT(RelClose(m.mean(), before.mean(), 1e-12, 1.0));
  RC_ASSERT(RelClose(m.effective_n(), before.effective_n(), 1e-12, 0.0));
  RC_ASSERT(VarianceClose(m.variance(), before.variance(),
                          {.mean = before.mean(),
                           .var_during = var_during,
                           .removed_deviation = std::fabs(x - before.mean())}));
  // A rate in [0, 1]: absolute rounding of the larger hit sum during the Add gives a 1e-15 floor.
  RC_ASSERT(RelClose(m.hit_rate(), before.hit_rate(), 1e-12, 1e-3));
}

RC_GTEST_PROP(DecayedMomentsProperty, RemoveEqualsNeverAdded, (bool decay)) {
  const std::vector<Observation> obs = *Observations(2);
  const size_t skip = *rc::gen::inRange<size_t>(0, obs.size());
  DecayedMoments with(decay ? 1000.0 : 0.0);
  DecayedMoments without(decay ? 1000.0 : 0.0);
  std::vector<int64_t> times;
  int64_t t = 0;
  for (size_t i = 0; i < obs.size(); ++i) {
    t += obs[i].gap_ms;
    times.push_back(t);
    RC_ASSERT(with.Add(obs[i].x, t).ok());
    if (i != skip) RC_ASSERT(without.Add(obs[i].x, t).ok());
  }
  const double var_during = with.variance();
  RC_ASSERT(with.Remove(obs[skip].x, times[skip]).ok());
  RC_ASSERT(with.count() == without.count());
  // `without` may have a shorter clock if the skipped observation was the last one.
  RC_ASSERT(RelClose(with.weight(), without.WeightAt(t), 1e-12, 0.0));
  RC_ASSERT(RelClose(with.mean(), without.mean(), 1e-12, 1.0));
  RC_ASSERT(RelClose(with.effective_n(), without.effective_n(), 1e-12, 0.0));
  RC_ASSERT(VarianceClose(with.variance(), without.variance(),
                          {.mean = without.mean(),
                           .var_during = var_during,
                           .removed_deviation = std::fabs(obs[skip].x - without.mean())}));
}

RC_GTEST_PROP(DecayedMomentsProperty, SerializationIsBitIdentical, (bool decay)) {
  const std::vector<Observation> obs = *Observations(0);
  DecayedMoments m(decay ? 1000.0 : 0.0);
  int64_t t = 0;
  for (const Observation& o : obs) {
    t += o.gap_ms;
    RC_ASSERT(m.Add(o.x, t).ok());
  }
  const std::string bytes = Bytes(m);
  std::string_view in = bytes;
  const absl::StatusOr<DecayedMoments> restored = DecayedMoments::ReadFrom(in);
  RC_ASSERT(restored.ok());
  RC_ASSERT(in.empty());
  RC_ASSERT(Bytes(*restored) == bytes);
}

}  // namespace
}  // namespace coattail::stats
