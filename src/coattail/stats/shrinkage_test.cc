#include "coattail/stats/shrinkage.h"

#include <cmath>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace coattail::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ShrinkageTest, HandComputedPriorAndPosteriors) {
  // m^2 - s^2 per unit: .09 - .01 = .08, .01 - .04 = -.03, .04 - .01 = .03, 0 - .02 = -.02;
  // sum .06, k = 4, tau^2 = .015.
  const std::vector<double> means = {0.3, -0.1, 0.2, 0.0};
  const std::vector<double> se2 = {0.01, 0.04, 0.01, 0.02};
  const absl::StatusOr<Prior> prior = EstimateZeroCentredPrior(means, se2);
  ASSERT_TRUE(prior.ok()) << prior.status();
  EXPECT_NEAR(prior->tau2, 0.015, 1e-17);
  EXPECT_EQ(prior->k, 4);
  // Unit 1: B = .015 / .025 = .6, shrunk .3 * .6 = .18, posterior sd sqrt(.6 * .01) = .0774596669.
  EXPECT_NEAR(ShrinkageFactor(*prior, 0.01), 0.6, 1e-15);
  EXPECT_NEAR(ShrunkMean(*prior, 0.3, 0.01), 0.18, 1e-15);
  EXPECT_NEAR(PosteriorSd(*prior, 0.01), 0.077459666924148338, 1e-16);
  // Unit 2: B = .015 / .055 = 3/11, shrunk -.1 * 3/11 = -.0272727..
  EXPECT_NEAR(ShrinkageFactor(*prior, 0.04), 3.0 / 11.0, 1e-15);
  EXPECT_NEAR(ShrunkMean(*prior, -0.1, 0.04), -0.3 / 11.0, 1e-16);
  // Unit 4: a zero estimate stays zero whatever B is (.015 / .035 = 3/7).
  EXPECT_EQ(ShrunkMean(*prior, 0.0, 0.02), 0.0);
}

TEST(ShrinkageTest, NoExcessDispersionShrinksEverythingToZero) {
  // m^2 - s^2 = .01 - .04 = -.03 for both: tau^2 = max(0, -.03) = 0.
  const std::vector<double> means = {0.1, -0.1};
  const std::vector<double> se2 = {0.04, 0.04};
  const absl::StatusOr<Prior> prior = EstimateZeroCentredPrior(means, se2);
  ASSERT_TRUE(prior.ok());
  EXPECT_EQ(prior->tau2, 0.0);
  EXPECT_EQ(prior->k, 2);
  EXPECT_EQ(ShrunkMean(*prior, 0.1, 0.04), 0.0);
  EXPECT_EQ(ShrunkMean(*prior, 0.1, 0.0), 0.0);  // even with a zero standard error
  EXPECT_EQ(PosteriorSd(*prior, 0.04), 0.0);
}

TEST(ShrinkageTest, NoUnitsGivesAZeroPrior) {
  const absl::StatusOr<Prior> prior = EstimateZeroCentredPrior({}, {});
  ASSERT_TRUE(prior.ok());
  EXPECT_EQ(prior->tau2, 0.0);
  EXPECT_EQ(prior->k, 0);
}

TEST(ShrinkageTest, RejectsInvalidInput) {
  const std::vector<double> one = {0.1};
  const std::vector<double> two = {0.1, 0.2};
  EXPECT_EQ(EstimateZeroCentredPrior(one, two).status().code(), absl::StatusCode::kInvalidArgument);
  for (const double bad_se2 : {-0.01, kNaN, kInf}) {
    const std::vector<double> se2 = {bad_se2};
    EXPECT_EQ(EstimateZeroCentredPrior(one, se2).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  const std::vector<double> bad_mean = {kNaN};
  EXPECT_EQ(EstimateZeroCentredPrior(bad_mean, one).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ShrinkageTest, NoInformationGetsThePrior) {
  const Prior prior{0.04, 10};
  // se2 = inf (no information), NaN or negative: B = 0, posterior = prior N(0, .04), sd .2.
  for (const double se2 : {kInf, kNaN, -1.0}) {
    EXPECT_EQ(ShrinkageFactor(prior, se2), 0.0);
    EXPECT_EQ(ShrunkMean(prior, 5.0, se2), 0.0);
    EXPECT_EQ(ShrunkMean(prior, kInf, se2), 0.0);
    EXPECT_DOUBLE_EQ(PosteriorSd(prior, se2), 0.2);
  }
  // A perfectly measured unit keeps its estimate: B = .04 / (.04 + 0) = 1, sd 0.
  EXPECT_EQ(ShrinkageFactor(prior, 0.0), 1.0);
  EXPECT_EQ(ShrunkMean(prior, 0.07, 0.0), 0.07);
  EXPECT_EQ(PosteriorSd(prior, 0.0), 0.0);
}

TEST(ShrinkageTest, CompensatedSumKeepsSmallTerms) {
  // Terms: +1e16 (m = 1e8, s^2 = 0), then 1000 terms of +1 (m = 1, s^2 = 0), then -1e16 (m = 0,
  // s^2 = 1e16). The exact sum is 1000, k = 1002, tau^2 = 1000/1002. Plain summation loses every
  // +1 (the spacing of doubles near 1e16 is 2) and would return tau^2 = 0.
  ZeroCentredPriorEstimator estimator;
  estimator.AddUnit(1e8, 0.0);
  for (int i = 0; i < 1000; ++i) estimator.AddUnit(1.0, 0.0);
  estimator.AddUnit(0.0, 1e16);
  const Prior prior = estimator.Finish();
  EXPECT_EQ(prior.k, 1002);
  EXPECT_NEAR(prior.tau2, 1000.0 / 1002.0, 1e-15);
}

rc::Gen<double> UniformIn(double lo, double hi) {
  return rc::gen::map(rc::gen::inRange(0, 1'000'001),
                      [lo, hi](int k) { return lo + (hi - lo) * static_cast<double>(k) / 1e6; });
}

RC_GTEST_PROP(ShrinkageProperty, ShrinksTowardsZeroMonotonically, ()) {
  const Prior prior{*UniformIn(0.0, 1.0), 1};
  const double m = *UniformIn(-1.0, 1.0);
  const double se2 = *UniformIn(0.0, 1.0);
  const double more_noise = se2 + *UniformIn(1e-6, 1.0);
  const double b = ShrinkageFactor(prior, se2);
  RC_ASSERT(b >= 0.0);
  RC_ASSERT(b <= 1.0);
  const double shrunk = ShrunkMean(prior, m, se2);
  RC_ASSERT(std::fabs(shrunk) <= std::fabs(m));
  RC_ASSERT(shrunk * m >= 0.0);  // never flips the sign
  // A noisier estimate of the same mean is shrunk at least as much.
  RC_ASSERT(std::fabs(ShrunkMean(prior, m, more_noise)) <= std::fabs(shrunk));
  // The posterior is never wider than the prior or the likelihood.
  const double sd = PosteriorSd(prior, se2);
  RC_ASSERT(sd <= std::sqrt(prior.tau2) * (1.0 + 1e-15));
  RC_ASSERT(sd <= std::sqrt(se2) * (1.0 + 1e-15));
}

}  // namespace
}  // namespace coattail::stats
