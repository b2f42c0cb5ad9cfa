#include "coattail/sim/det_math.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "gtest/gtest.h"

namespace coattail::sim {
namespace {

// Distance in units in the last place between two finite doubles of the same sign.
int64_t UlpDistance(double a, double b) {
  int64_t ia = 0;
  int64_t ib = 0;
  std::memcpy(&ia, &a, sizeof(a));
  std::memcpy(&ib, &b, sizeof(b));
  return ia > ib ? ia - ib : ib - ia;
}

TEST(DetMathTest, ExactPoints) {
  EXPECT_EQ(DetLog(1.0), 0.0);
  EXPECT_EQ(DetExp(0.0), 1.0);
  EXPECT_LE(UlpDistance(DetExp(1.0), 2.718281828459045), 1);  // e rounded to double
  EXPECT_EQ(DetLog(2.0), 0.6931471805599453);                 // ln 2 rounded to double
  EXPECT_NEAR(DetLog(10.0), 2.302585092994046, 4e-16);
}

TEST(DetMathTest, SpecialValues) {
  EXPECT_TRUE(std::isnan(DetLog(-1.0)));
  EXPECT_TRUE(std::isnan(DetLog(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(DetLog(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(DetLog(std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(DetExp(1000.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(DetExp(-1000.0), 0.0);
  EXPECT_TRUE(std::isnan(DetExp(std::numeric_limits<double>::quiet_NaN())));
}

TEST(DetMathTest, AgreesWithLibmWithinOneUlp) {
  // A sweep over many magnitudes, including the range-reduction boundaries.
  for (double x = 1e-300; x < 1e300; x *= 1.0137) {
    ASSERT_LE(UlpDistance(DetLog(x), std::log(x)), 1) << x;
  }
  for (double x = -700.0; x < 700.0; x += 0.0731) {
    ASSERT_LE(UlpDistance(DetExp(x), std::exp(x)), 1) << x;
  }
  for (double x = 0.5; x < 2.0; x += 1e-4) {
    const double log = DetLog(x);
    if (log != 0.0) {
      ASSERT_LE(UlpDistance(log, std::log(x)), 1) << x;
    }
  }
}

TEST(DetMathTest, RoundTrip) {
  for (double x = -50.0; x < 50.0; x += 0.37) {
    EXPECT_NEAR(DetLog(DetExp(x)), x, 1e-14 * (1.0 + std::fabs(x)));
  }
}

}  // namespace
}  // namespace coattail::sim
