#include "coattail/stats/fdr.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace coattail::stats {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(BenjaminiHochbergTest, HandComputedExampleInInputOrder) {
  // m = 4; ascending: .005 (j=1), .01 (j=2), .03 (j=3), .04 (j=4);
  // m p / j = .02, .02, .04, .04; running minimum from the top: .04, .04, .02, .02.
  // Back in input order {.01, .04, .03, .005} -> {.02, .04, .04, .02}.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  EXPECT_THAT(BenjaminiHochbergQValues(p),
              ElementsAre(DoubleEq(0.02), DoubleEq(0.04), DoubleEq(0.04), DoubleEq(0.02)));
}

TEST(BenjaminiHochbergTest, StepUpTakesTheMinimumOverLargerRanks) {
  // m = 3: m p / j = .06, .0315, .5. The smallest p inherits .0315 from rank 2, which is what makes
  // BH a step-up procedure (at alpha = .05 both are rejected although .06 > .05).
  const std::vector<double> p = {0.02, 0.021, 0.5};
  EXPECT_THAT(BenjaminiHochbergQValues(p),
              ElementsAre(DoubleEq(0.0315), DoubleEq(0.0315), DoubleEq(0.5)));
}

TEST(BenjaminiHochbergTest, TiesGetEqualQValues) {
  // m = 4, sorted .01 .01 .01 .5: m p / j = .04, .02, .0133.., .5 -> the three ties all get
  // min(.04, .02, .04/3, .5) = .04/3.
  const std::vector<double> p = {0.01, 0.5, 0.01, 0.01};
  const std::vector<double> q = BenjaminiHochbergQValues(p);
  EXPECT_THAT(q, ElementsAre(DoubleEq(0.04 / 3.0), DoubleEq(0.5), DoubleEq(0.04 / 3.0),
                             DoubleEq(0.04 / 3.0)));
  EXPECT_EQ(q[0], q[2]);
  EXPECT_EQ(q[0], q[3]);
}

TEST(BenjaminiHochbergTest, NaNIsNotATest) {
  // The NaN gets q = 1 and m = 2 (not 3): .01 -> 2 * .01 / 1 = .02, .04 -> 2 * .04 / 2 = .04.
  const std::vector<double> p = {0.01, kNaN, 0.04};
  EXPECT_THAT(BenjaminiHochbergQValues(p), ElementsAre(DoubleEq(0.02), 1.0, DoubleEq(0.04)));
}

TEST(BenjaminiHochbergTest, ClampsOutOfRangeAndHandlesSingletons) {
  // {1.5, -0.1} is read as {1, 0}: m p / j = 0, 1.
  EXPECT_THAT(BenjaminiHochbergQValues(std::vector<double>{1.5, -0.1}), ElementsAre(1.0, 0.0));
  // A single test is its own q-value.
  EXPECT_THAT(BenjaminiHochbergQValues(std::vector<double>{0.37}), ElementsAre(0.37));
  EXPECT_TRUE(BenjaminiHochbergQValues(std::vector<double>{}).empty());
}

// p = u^3 with u on a grid in [0, 1]: piles p-values up near 0 so that rejections happen, and
// repeats values often enough to exercise ties.
rc::Gen<std::vector<double>> PValues() {
  return rc::gen::container<std::vector<double>>(rc::gen::map(rc::gen::inRange(0, 1001), [](int k) {
    const double u = static_cast<double>(k) / 1000.0;
    return u * u * u;
  }));
}

RC_GTEST_PROP(BenjaminiHochbergProperty, MatchesTheDefinition, ()) {
  // Brute force q_i = min over all j with p_j >= p_i of min(1, m p_j / rank_j), rank_j = the number
  // of p <= p_j (ties share the largest rank, which gives the same minimum).
  const std::vector<double> p = *PValues();
  const std::vector<double> q = BenjaminiHochbergQValues(p);
  const auto m = static_cast<double>(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    double expected = 1.0;
    for (size_t j = 0; j < p.size(); ++j) {
      if (p[j] < p[i]) continue;
      const auto rank = std::count_if(p.begin(), p.end(), [&](double v) { return v <= p[j]; });
      expected = std::min(expected, p[j] * (m / static_cast<double>(rank)));
    }
    RC_ASSERT(std::fabs(q[i] - expected) <= 1e-15);
  }
}

RC_GTEST_PROP(BenjaminiHochbergProperty, BoundedAndMonotone, ()) {
  const std::vector<double> p = *PValues();
  const std::vector<double> q = BenjaminiHochbergQValues(p);
  RC_ASSERT(q.size() == p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    RC_ASSERT(q[i] >= p[i]);
    RC_ASSERT(q[i] <= 1.0);
    for (size_t j = 0; j < p.size(); ++j) {
      if (p[i] <= p[j]) RC_ASSERT(q[i] <= q[j]);
    }
  }
}

RC_GTEST_PROP(BenjaminiHochbergProperty, RejectionSetIsTheStepUpProcedure, ()) {
  // {i : q_i <= alpha} must equal BH's {i : p_i <= p_(k)}, k = max{j : p_(j) <= j alpha / m}.
  const std::vector<double> p = *PValues();
  const double alpha = 0.05;
  std::vector<double> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  const auto m = static_cast<double>(p.size());
  double cutoff = -1.0;
  bool on_boundary = false;
  for (size_t j = 1; j <= sorted.size(); ++j) {
    const double bound = static_cast<double>(j) * alpha / m;
    if (sorted[j - 1] <= bound) cutoff = sorted[j - 1];
    // m p / j <= alpha and p <= j alpha / m can disagree by rounding when they are equal.
    on_boundary = on_boundary || std::fabs(sorted[j - 1] - bound) < 1e-15;
  }
  RC_PRE(!on_boundary);
  const std::vector<double> q = BenjaminiHochbergQValues(p);
  for (size_t i = 0; i < p.size(); ++i) RC_ASSERT((q[i] <= alpha) == (p[i] <= cutoff));
}

}  // namespace
}  // namespace coattail::stats
