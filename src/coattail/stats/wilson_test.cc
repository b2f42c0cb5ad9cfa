#include "coattail/stats/wilson.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace coattail::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(WilsonTest, EightOfTenHandComputed) {
  // s = 8, n = 10, z = 1.96: z^2 = 3.8416, z^2/n = 0.38416, k = 1.38416, p = 0.8.
  // centre = (0.8 + 0.19208) / 1.38416 = 0.99208 / 1.38416 = 0.716737949370015
  // half   = (1.96 / 1.38416) sqrt(0.8 * 0.2 / 10 + 3.8416 / 400)
  //        = 1.41602705179748 * sqrt(0.016 + 0.009604) = 1.41602705179748 * 0.160012499511757
  //        = 0.226581102649292
  // -> [0.490156846720723, 0.943319052019307].
  const WilsonInterval ci = WilsonScoreInterval(8.0, 10.0, 1.96);
  EXPECT_NEAR(ci.lower, 0.490156846720723, 1e-15);
  EXPECT_NEAR(ci.upper, 0.943319052019307, 1e-15);
  // [0.4901624, 0.9433178], often quoted for this case, is the same interval at the exact 97.5%
  // normal quantile.
  const WilsonInterval exact_z = WilsonScoreInterval(8.0, 10.0, 1.959963984540054);
  EXPECT_NEAR(exact_z.lower, 0.4901624715366417, 1e-15);
  EXPECT_NEAR(exact_z.upper, 0.9433178485456247, 1e-15);
}

TEST(WilsonTest, ThreeOfFourAtZOneIsExact) {
  // z = 1, n = 4, p = 3/4: k = 1.25, centre = (0.75 + 0.125)/1.25 = 0.7,
  // half = 0.8 sqrt(0.1875/4 + 1/64) = 0.8 sqrt(0.0625) = 0.2 -> [0.5, 0.9].
  const WilsonInterval ci = WilsonScoreInterval(3.0, 4.0, 1.0);
  EXPECT_NEAR(ci.lower, 0.5, 1e-16);
  EXPECT_NEAR(ci.upper, 0.9, 1e-16);
}

TEST(WilsonTest, ExtremesAreExact) {
  // 0/10: lower = 0 exactly; upper = (z^2/n) / (1 + z^2/n) = 0.38416 / 1.38416 = 0.277540168766617.
  const WilsonInterval none = WilsonScoreInterval(0.0, 10.0, 1.96);
  EXPECT_EQ(none.lower, 0.0);
  EXPECT_NEAR(none.upper, 0.38416 / 1.38416, 1e-16);
  // 10/10: upper = 1 exactly; lower = 1 / k = 1 / 1.38416 = 0.722459831233383.
  const WilsonInterval all = WilsonScoreInterval(10.0, 10.0, 1.96);
  EXPECT_EQ(all.upper, 1.0);
  EXPECT_NEAR(all.lower, 1.0 / 1.38416, 1e-16);
}

TEST(WilsonTest, NonIntegerCounts) {
  // 7.5 of 12.25 (decayed counts): mpmath at 30 digits gives [0.345878715651298,
  // 0.825017901217130].
  const WilsonInterval ci = WilsonScoreInterval(7.5, 12.25, 1.96);
  EXPECT_NEAR(ci.lower, 0.34587871565129835, 1e-15);
  EXPECT_NEAR(ci.upper, 0.8250179012171299, 1e-15);
}

TEST(WilsonTest, DegenerateInputs) {
  for (const WilsonInterval ci : {WilsonScoreInterval(0.0, 0.0), WilsonScoreInterval(1.0, -2.0),
                                  WilsonScoreInterval(kNaN, 5.0), WilsonScoreInterval(1.0, kNaN)}) {
    EXPECT_EQ(ci.lower, 0.0);
    EXPECT_EQ(ci.upper, 1.0);
  }
  // Successes beyond the trials are clamped: 12 of 10 is read as 10 of 10.
  const WilsonInterval over = WilsonScoreInterval(12.0, 10.0, 1.96);
  EXPECT_EQ(over.upper, 1.0);
  EXPECT_NEAR(over.lower, 1.0 / 1.38416, 1e-16);
  // z = 0 collapses to the point estimate.
  const WilsonInterval point = WilsonScoreInterval(3.0, 12.0, 0.0);
  EXPECT_DOUBLE_EQ(point.lower, 0.25);
  EXPECT_DOUBLE_EQ(point.upper, 0.25);
}

rc::Gen<double> Trials() {
  return rc::gen::map(rc::gen::inRange(1, 1'000'000), [](int k) { return k / 100.0; });
}

RC_GTEST_PROP(WilsonProperty, ContainsEstimateAndMirrors, ()) {
  const double n = *Trials();
  const double s = n * static_cast<double>(*rc::gen::inRange(0, 1001)) / 1000.0;
  const WilsonInterval ci = WilsonScoreInterval(s, n, 1.96);
  const double p = s / n;
  RC_ASSERT(0.0 <= ci.lower);
  RC_ASSERT(ci.lower <= p + 1e-15);
  RC_ASSERT(p <= ci.upper + 1e-15);
  RC_ASSERT(ci.upper <= 1.0);
  // Counting failures instead of successes mirrors the interval.
  const WilsonInterval mirror = WilsonScoreInterval(n - s, n, 1.96);
  RC_ASSERT(std::fabs(ci.lower - (1.0 - mirror.upper)) <= 1e-15);
  RC_ASSERT(std::fabs(ci.upper - (1.0 - mirror.lower)) <= 1e-15);
}

RC_GTEST_PROP(WilsonProperty, MoreTrialsNarrowTheInterval, ()) {
  // Same proportion, four times the trials: the interval shrinks.
  const double n = *Trials();
  const double share = static_cast<double>(*rc::gen::inRange(0, 1001)) / 1000.0;
  const WilsonInterval small = WilsonScoreInterval(share * n, n, 1.96);
  const WilsonInterval large = WilsonScoreInterval(share * 4.0 * n, 4.0 * n, 1.96);
  RC_ASSERT(large.upper - large.lower < small.upper - small.lower);
}

}  // namespace
}  // namespace coattail::stats
