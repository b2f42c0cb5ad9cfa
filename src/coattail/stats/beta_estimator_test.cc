#include "coattail/stats/beta_estimator.h"

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace coattail::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(BetaEstimatorTest, HandComputedThreePairs) {
  // (x, y) = (.01, .02), (-.02, -.03), (.03, .05):
  // Sxy = .0002 + .0006 + .0015 = .0023, Sxx = .0001 + .0004 + .0009 = .0014, n = 3.
  // k = 20: mean_xx = .0014/3, k mean_xx = .028/3 = .009333..,
  // beta = (.0023 + .009333..) / (.0014 + .009333..) = (.0349/3) / (.0322/3) = 349/322
  //      = 1.0838509316770186  (= (3 * 23/14 + 20) / 23: OLS 23/14 pulled towards 1).
  BetaEstimator estimator;
  ASSERT_TRUE(estimator.Add(0.01, 0.02).ok());
  ASSERT_TRUE(estimator.Add(-0.02, -0.03).ok());
  ASSERT_TRUE(estimator.Add(0.03, 0.05).ok());
  EXPECT_EQ(estimator.count(), 3);
  EXPECT_NEAR(estimator.sxx(), 0.0014, 1e-18);
  EXPECT_NEAR(estimator.sxy(), 0.0023, 1e-18);
  EXPECT_NEAR(estimator.beta(), 349.0 / 322.0, 1e-15);
  // Without a prior it is the through-origin OLS slope Sxy/Sxx = 23/14.
  BetaEstimator ols(0.0);
  ASSERT_TRUE(ols.Add(0.01, 0.02).ok());
  ASSERT_TRUE(ols.Add(-0.02, -0.03).ok());
  ASSERT_TRUE(ols.Add(0.03, 0.05).ok());
  EXPECT_NEAR(ols.beta(), 23.0 / 14.0, 1e-15);
}

TEST(BetaEstimatorTest, PriorWeightIsKObservations) {
  // y = 2x exactly: beta_ols = 2, so beta = (n * 2 + k * 1) / (n + k); n = 180, k = 20:
  // (360 + 20) / 200 = 1.9.
  BetaEstimator estimator(20.0);
  for (int i = 0; i < 180; ++i) {
    const double x = (i % 2 == 0 ? 1.0 : -1.0) * 0.001 * (1 + i % 7);
    ASSERT_TRUE(estimator.Add(x, 2.0 * x).ok());
  }
  EXPECT_NEAR(estimator.beta(), 1.9, 1e-14);
}

TEST(BetaEstimatorTest, DefaultsToOneWithoutBenchmarkVariation) {
  BetaEstimator estimator;
  EXPECT_EQ(estimator.beta(), 1.0);  // n = 0
  ASSERT_TRUE(estimator.Add(0.0, 0.05).ok());
  ASSERT_TRUE(estimator.Add(0.0, -0.02).ok());
  EXPECT_EQ(estimator.beta(), 1.0);  // Sxx = 0
}

TEST(BetaEstimatorTest, RejectsNonFiniteAndOverflowWithoutChangingState) {
  BetaEstimator estimator;
  ASSERT_TRUE(estimator.Add(0.01, 0.02).ok());
  EXPECT_EQ(estimator.Add(kNaN, 0.01).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(estimator.Add(0.01, kInf).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(estimator.Add(1e200, 1.0).code(), absl::StatusCode::kInvalidArgument);  // x^2 = inf
  EXPECT_EQ(estimator.count(), 1);
  EXPECT_EQ(estimator.sxx(), 0.01 * 0.01);
  EXPECT_EQ(estimator.sxy(), 0.01 * 0.02);
}

TEST(BetaEstimatorTest, SerializationRoundTripIsBitIdentical) {
  BetaEstimator estimator(12.5);
  ASSERT_TRUE(estimator.Add(0.0123, -0.0456).ok());
  ASSERT_TRUE(estimator.Add(-0.0078, 0.0031).ok());
  std::string bytes;
  estimator.AppendTo(bytes);
  BetaEstimator().AppendTo(bytes);  // a second record right behind it
  std::string_view in = bytes;
  const absl::StatusOr<BetaEstimator> first = BetaEstimator::ReadFrom(in);
  ASSERT_TRUE(first.ok()) << first.status();
  const absl::StatusOr<BetaEstimator> second = BetaEstimator::ReadFrom(in);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(in.empty());
  std::string again;
  first->AppendTo(again);
  second->AppendTo(again);
  EXPECT_EQ(again, bytes);
  EXPECT_EQ(first->beta(), estimator.beta());
  EXPECT_EQ(first->prior_strength(), 12.5);
  EXPECT_EQ(second->count(), 0);
}

TEST(BetaEstimatorTest, ReadFromRejectsDamage) {
  BetaEstimator estimator;
  ASSERT_TRUE(estimator.Add(0.01, 0.02).ok());
  std::string bytes;
  estimator.AppendTo(bytes);
  // Truncated: DataLoss, and the input is not consumed.
  std::string_view truncated(bytes.data(), bytes.size() - 1);
  EXPECT_EQ(BetaEstimator::ReadFrom(truncated).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(truncated.size(), bytes.size() - 1);
  // Wrong tag.
  std::string wrong_tag = bytes;
  wrong_tag[0] = 'X';
  std::string_view in = wrong_tag;
  EXPECT_EQ(BetaEstimator::ReadFrom(in).status().code(), absl::StatusCode::kDataLoss);
  // A negative count (byte 10 is the low byte of n, which follows tag, version and k).
  std::string negative = bytes;
  for (size_t i = 10; i < 18; ++i) negative[i] = static_cast<char>(0xff);
  in = negative;
  EXPECT_EQ(BetaEstimator::ReadFrom(in).status().code(), absl::StatusCode::kDataLoss);
}

RC_GTEST_PROP(BetaEstimatorProperty, IsAWeightedAverageOfOlsAndOne, ()) {
  // beta = (n beta_ols + k) / (n + k) lies between beta_ols and 1.
  const auto pairs = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(-1000, 1001), rc::gen::inRange(-1000, 1001))));
  BetaEstimator estimator;
  BetaEstimator ols(0.0);
  for (const auto& [xi, yi] : pairs) {
    const double x = xi * 1e-5;
    const double y = yi * 1e-5;
    RC_ASSERT(estimator.Add(x, y).ok());
    RC_ASSERT(ols.Add(x, y).ok());
  }
  RC_PRE(estimator.sxx() > 0.0);
  const auto n = static_cast<double>(pairs.size());
  const double k = BetaEstimator::kDefaultPriorStrength;
  const double expected = (n * ols.beta() + k) / (n + k);
  RC_ASSERT(std::fabs(estimator.beta() - expected) <= 1e-12 * (1.0 + std::fabs(expected)));
}

}  // namespace
}  // namespace coattail::stats
