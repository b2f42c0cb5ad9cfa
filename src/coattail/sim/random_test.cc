#include "coattail/sim/random.h"

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace coattail::sim {
namespace {

TEST(RandomTest, SplitMix64ReferenceOutputs) {
  // The published SplitMix64 sequence for seed 0.
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64Next(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(SplitMix64Next(state), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(SplitMix64Next(state), 0x06C45D188009454FULL);
}

TEST(RandomTest, XoshiroFollowsTheReferenceRecurrence) {
  // Rng(seed) loads the state with SplitMix64(seed)'s first four outputs; replay xoshiro256** by
  // hand from that state: result = rotl(s1 * 5, 7) * 9, then the linear update.
  uint64_t sm = 42;
  uint64_t s[4];
  for (uint64_t& w : s) w = SplitMix64Next(sm);
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  Rng rng(42);
  for (int i = 0; i < 100; ++i) {
    const uint64_t expected = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    ASSERT_EQ(rng.Next(), expected) << i;
  }
}

TEST(RandomTest, StreamsAreDistinctAndReproducible) {
  std::set<uint64_t> firsts;
  for (uint64_t stream = 0; stream < 20; ++stream) {
    for (uint64_t index = 0; index < 50; ++index) {
      Rng a = Rng::ForStream(7, stream, index);
      Rng b = Rng::ForStream(7, stream, index);
      const uint64_t x = a.Next();
      EXPECT_EQ(x, b.Next());
      firsts.insert(x);
    }
  }
  EXPECT_EQ(firsts.size(), 1000u);
  EXPECT_NE(Rng::ForStream(7, 1, 1).Next(), Rng::ForStream(8, 1, 1).Next());
}

TEST(RandomTest, UniformRangeAndMoments) {
  Rng rng(3);
  double sum = 0.0;
  double sum_sq = 0.0;
  constexpr int kN = 200000;
  for (int i = 0; i < kN; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / kN;
  EXPECT_NEAR(mean, 0.5, 0.003);  // sd of the mean ~0.00065
  EXPECT_NEAR(sum_sq / kN - mean * mean, 1.0 / 12.0, 0.002);
}

TEST(RandomTest, BelowAndIntBetweenCoverTheirRanges) {
  Rng rng(4);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const uint64_t r = rng.Below(7);
    ASSERT_LT(r, 7u);
    ++counts[r];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = rng.IntBetween(15, 40);
    ASSERT_GE(v, 15);
    ASSERT_LE(v, 40);
  }
  EXPECT_EQ(rng.IntBetween(5, 5), 5);
}

TEST(RandomTest, NormalMoments) {
  Rng rng(5);
  constexpr int kN = 400000;
  double sum = 0.0;
  double sum2 = 0.0;
  double sum4 = 0.0;
  int beyond_2sd = 0;
  for (int i = 0; i < kN; ++i) {
    const double z = rng.Normal();
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
    if (std::fabs(z) > 1.959964) ++beyond_2sd;
  }
  EXPECT_NEAR(sum / kN, 0.0, 0.008);  // sd of the mean 0.0016
  EXPECT_NEAR(sum2 / kN, 1.0, 0.01);  // sd ~0.0022
  EXPECT_NEAR(sum4 / kN, 3.0, 0.08);  // kurtosis of a normal; sd ~0.017
  EXPECT_NEAR(static_cast<double>(beyond_2sd) / kN, 0.05, 0.002);
}

TEST(RandomTest, ExponentialAndLogUniform) {
  Rng rng(6);
  constexpr int kN = 200000;
  double sum = 0.0;
  int above_one = 0;
  for (int i = 0; i < kN; ++i) {
    const double e = rng.Exponential();
    ASSERT_GE(e, 0.0);
    sum += e;
    if (e > 1.0) ++above_one;
  }
  EXPECT_NEAR(sum / kN, 1.0, 0.01);
  EXPECT_NEAR(static_cast<double>(above_one) / kN, std::exp(-1.0), 0.004);

  // Log-uniform on [1e3, 1e6]: each decade gets a third.
  int decade[3] = {0, 0, 0};
  for (int i = 0; i < 90000; ++i) {
    const double v = rng.LogUniform(1e3, 1e6);
    ASSERT_GE(v, 1e3 * (1 - 1e-12));
    ASSERT_LE(v, 1e6 * (1 + 1e-12));
    ++decade[v < 1e4 ? 0 : (v < 1e5 ? 1 : 2)];
  }
  for (int d : decade) EXPECT_NEAR(d, 30000, 600);
}

}  // namespace
}  // namespace coattail::sim
