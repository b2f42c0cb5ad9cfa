#include "coattail/stats/score.h"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace coattail::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A view from mean, std error, effective n and hit share (weight = effective n for simplicity).
WalletMomentsView View(double mean, double se, double n_eff, double hits) {
  return WalletMomentsView{mean, se, n_eff, hits, n_eff};
}

TEST(ScoreTest, HandComputedCrossSection) {
  const std::vector<WalletMomentsView> wallets = {
      View(0.02, 0.005, 100.0, 60.0),  // t = 4, df = 99
      View(0.01, 0.01, 50.0, 20.0),    // t = 1, df = 49
      View(-0.01, 0.005, 40.0, 10.0),  // t = -2, df = 39
      View(0.03, 0.01, 64.0, 40.0),    // t = 3, df = 63
      View(0.05, 0.02, 10.0, 3.0),     // ineligible: n_eff 10 < 30
      View(0.1, 0.0, 1.0, 1.0),        // ineligible: no standard error
  };
  const std::vector<WalletScore> s = ScoreWallets(wallets);
  ASSERT_EQ(s.size(), wallets.size());

  // t = mean / se.
  EXPECT_DOUBLE_EQ(s[0].t_stat, 4.0);
  EXPECT_DOUBLE_EQ(s[1].t_stat, 1.0);
  EXPECT_DOUBLE_EQ(s[2].t_stat, -2.0);
  EXPECT_DOUBLE_EQ(s[3].t_stat, 3.0);
  EXPECT_DOUBLE_EQ(s[4].t_stat, 2.5);  // reported, not tested
  EXPECT_EQ(s[5].t_stat, 0.0);

  // One-sided p = P(T_{n-1} > t), 40-digit mpmath values.
  const double p0 = 6.1125763785556558e-5;  // t = 4, df = 99
  const double p1 = 0.16111170297533780;    // t = 1, df = 49
  const double p2 = 0.97375049232807262;    // t = -2, df = 39
  const double p3 = 0.0019319192380495784;  // t = 3, df = 63
  EXPECT_NEAR(s[0].p_value, p0, 1e-12 * p0);
  EXPECT_NEAR(s[1].p_value, p1, 1e-12 * p1);
  EXPECT_NEAR(s[2].p_value, p2, 1e-12 * p2);
  EXPECT_NEAR(s[3].p_value, p3, 1e-12 * p3);
  EXPECT_EQ(s[4].p_value, 1.0);
  EXPECT_EQ(s[5].p_value, 1.0);

  // BH over the m = 4 eligible: ascending p0 (j=1), p3 (j=2), p1 (j=3), p2 (j=4);
  // 4 p / j = 4 p0, 2 p3, (4/3) p1, p2, already increasing, so each q is its own term.
  EXPECT_NEAR(s[0].q_value, 4.0 * p0, 1e-12 * p0);
  EXPECT_NEAR(s[3].q_value, 2.0 * p3, 1e-12 * p3);
  EXPECT_NEAR(s[1].q_value, 4.0 / 3.0 * p1, 1e-12 * p1);
  EXPECT_NEAR(s[2].q_value, p2, 1e-12 * p2);
  EXPECT_EQ(s[4].q_value, 1.0);
  EXPECT_EQ(s[5].q_value, 1.0);

  // Prior from the eligible four: m^2 - s^2 = .0004 - .000025 = .000375, .0001 - .0001 = 0,
  // .0001 - .000025 = .000075, .0009 - .0001 = .0008; sum .00125, tau^2 = .0003125.
  // B = tau^2 / (tau^2 + s^2): 25/27, 25/33, 25/27, 25/33; for wallet 4 (s^2 = .0004) 25/57.
  EXPECT_NEAR(s[0].shrunk_alpha, 0.02 * 25.0 / 27.0, 1e-16);
  EXPECT_NEAR(s[1].shrunk_alpha, 0.01 * 25.0 / 33.0, 1e-16);
  EXPECT_NEAR(s[2].shrunk_alpha, -0.01 * 25.0 / 27.0, 1e-16);
  EXPECT_NEAR(s[3].shrunk_alpha, 0.03 * 25.0 / 33.0, 1e-16);
  EXPECT_NEAR(s[4].shrunk_alpha, 0.05 * 25.0 / 57.0, 1e-16);
  EXPECT_EQ(s[5].shrunk_alpha, 0.0);  // no standard error, no credit

  // Hit rates and Wilson lower bounds (z = 1.96, trials = n_eff; mpmath):
  // 60/100 -> 0.50200078461840244, 20/50 -> 0.27608189786245747, 10/40 -> 0.14186967895549514,
  // 40/64 -> 0.50250153313826418, 3/10 -> 0.10778928748621183.
  EXPECT_DOUBLE_EQ(s[0].hit_rate, 0.6);
  EXPECT_NEAR(s[0].hit_rate_lower, 0.50200078461840244, 1e-15);
  EXPECT_NEAR(s[1].hit_rate_lower, 0.27608189786245747, 1e-15);
  EXPECT_NEAR(s[2].hit_rate_lower, 0.14186967895549514, 1e-15);
  EXPECT_NEAR(s[3].hit_rate_lower, 0.50250153313826418, 1e-15);
  EXPECT_NEAR(s[4].hit_rate_lower, 0.10778928748621183, 1e-15);

  // Gate: eligible, q <= .05 and shrunk alpha > 0: wallets 0 (q = 2.4e-4) and 3 (q = 3.9e-3).
  const std::vector<bool> eligible = {true, true, true, true, false, false};
  const std::vector<bool> smart = {true, false, false, true, false, false};
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].eligible, eligible[i]) << i;
    EXPECT_EQ(s[i].smart_money, smart[i]) << i;
    EXPECT_EQ(s[i].effective_n, wallets[i].effective_n) << i;
  }
}

TEST(ScoreTest, NoExcessDispersionMeansNoSmartMoney) {
  // One wallet with t = 5 among a noise wallet: m^2 - s^2 = 1e-4 - 4e-6 and 0 - 1e-4, sum -4e-6,
  // so tau^2 = 0 and every alpha shrinks to 0. BH alone would flag the first wallet (q ~ 2.6e-5).
  const std::vector<WalletMomentsView> wallets = {View(0.01, 0.002, 40.0, 30.0),
                                                  View(0.0, 0.01, 40.0, 20.0)};
  const std::vector<WalletScore> s = ScoreWallets(wallets);
  EXPECT_LT(s[0].q_value, 1e-4);
  EXPECT_EQ(s[0].shrunk_alpha, 0.0);
  EXPECT_FALSE(s[0].smart_money);
}

TEST(ScoreTest, OptionsChangeTheGate) {
  const std::vector<WalletMomentsView> wallets = {
      View(0.02, 0.005, 100.0, 60.0), View(0.03, 0.01, 64.0, 40.0), View(0.01, 0.01, 50.0, 20.0)};
  ScoreOptions strict;
  strict.min_resolved = 80.0;  // only the first wallet is tested: m = 1, q = p
  const std::vector<WalletScore> s = ScoreWallets(wallets, strict);
  EXPECT_TRUE(s[0].eligible);
  EXPECT_FALSE(s[1].eligible);
  EXPECT_NEAR(s[0].q_value, 6.1125763785556558e-5, 1e-16);
  // The prior now rests on one unit: tau^2 = .0004 - .000025 = .000375, B = .000375/.0004 = 15/16.
  EXPECT_NEAR(s[0].shrunk_alpha, 0.02 * 15.0 / 16.0, 1e-16);
  ScoreOptions tight;
  tight.q_threshold = 1e-5;
  EXPECT_FALSE(ScoreWallets(wallets, tight)[0].smart_money);
}

TEST(ScoreTest, NonFiniteViewsAreIneligibleAndGetNoCredit) {
  // The third standard error squares to infinity: it must not drag tau^2 to 0 for the others.
  const std::vector<WalletMomentsView> wallets = {
      View(kNaN, 0.01, 50.0, 10.0), View(0.02, kNaN, 50.0, 10.0), View(0.02, 1e200, 50.0, 10.0),
      View(0.02, 0.005, 100.0, 60.0)};
  const std::vector<WalletScore> s = ScoreWallets(wallets);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(s[i].eligible) << i;
    EXPECT_EQ(s[i].shrunk_alpha, 0.0) << i;
    EXPECT_EQ(s[i].t_stat, 0.0) << i;
  }
  // Only the last wallet shapes the prior: tau^2 = .0004 - .000025, B = .000375/.0004 = 15/16.
  EXPECT_TRUE(s[3].eligible);
  EXPECT_NEAR(s[3].shrunk_alpha, 0.02 * 15.0 / 16.0, 1e-16);
}

TEST(ScoreTest, EmptyInput) { EXPECT_TRUE(ScoreWallets({}).empty()); }

TEST(ScoreTest, MomentsViewFromDecayedMoments) {
  // No decay, x = {-1, 2, 0, 3}: mean 1, std error sqrt(5/6), n 4, 2 hits of weight 4.
  DecayedMoments m;
  for (const double x : {-1.0, 2.0, 0.0, 3.0}) ASSERT_TRUE(m.Add(x, 0).ok());
  const WalletMomentsView v = MomentsView(m);
  EXPECT_EQ(v.mean, 1.0);
  EXPECT_DOUBLE_EQ(v.std_error, std::sqrt(5.0 / 6.0));
  EXPECT_EQ(v.effective_n, 4.0);
  EXPECT_EQ(v.hit_weight, 2.0);
  EXPECT_EQ(v.weight, 4.0);
  ScoreOptions options;
  options.min_resolved = 4.0;
  const WalletScore s = ScoreWallets(std::vector<WalletMomentsView>{v}, options)[0];
  EXPECT_TRUE(s.eligible);
  EXPECT_DOUBLE_EQ(s.t_stat, 1.0 / std::sqrt(5.0 / 6.0));
  EXPECT_EQ(s.hit_rate, 0.5);
}

RC_GTEST_PROP(ScoreProperty, MemoGivesTheBitsOfScoringAfresh, ()) {
  // Rounds of scoring as the engine does it: most wallets keep their view from one round to the
  // next, some change, some appear, and positions shift. With the memo, every p and q must be the
  // very bits of a fresh scoring.
  std::vector<PValueMemo> memo;
  std::vector<WalletMomentsView> wallets;
  size_t hits_possible = 0;
  for (int round = 0; round < 6; ++round) {
    const size_t grow = *rc::gen::inRange<size_t>(0, 8);
    for (size_t i = 0; i < grow; ++i) wallets.insert(wallets.begin(), View(0, 0, 0, 0));
    for (WalletMomentsView& w : wallets) {
      if (*rc::gen::inRange(0, 3) != 0 && w.effective_n > 0) {
        ++hits_possible;
        continue;
      }
      const auto n_eff = static_cast<double>(*rc::gen::inRange(0, 200));
      w = View(*rc::gen::inRange(-1000, 1001) * 1e-4, *rc::gen::inRange(0, 500) * 1e-4, n_eff,
               n_eff * *rc::gen::inRange(0, 101) / 100.0);
    }
    const std::vector<WalletScore> memoised = ScoreWallets(wallets, ScoreOptions(), memo);
    const std::vector<WalletScore> fresh = ScoreWallets(wallets);
    RC_ASSERT(memoised.size() == fresh.size());
    for (size_t i = 0; i < fresh.size(); ++i) {
      RC_ASSERT(std::bit_cast<uint64_t>(memoised[i].p_value) ==
                std::bit_cast<uint64_t>(fresh[i].p_value));
      RC_ASSERT(std::bit_cast<uint64_t>(memoised[i].q_value) ==
                std::bit_cast<uint64_t>(fresh[i].q_value));
      RC_ASSERT(memoised[i].smart_money == fresh[i].smart_money);
    }
  }
  RC_TAG(hits_possible > 0 ? "views kept" : "all new");
}

RC_GTEST_PROP(ScoreProperty, InvariantsHold, ()) {
  const auto raw = *rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(-1000, 1001), rc::gen::inRange(0, 500),
                     rc::gen::inRange(0, 200), rc::gen::inRange(0, 101)));
  std::vector<WalletMomentsView> wallets;
  for (const auto& [mean, se, n, hits] : raw) {
    const auto n_eff = static_cast<double>(n);
    wallets.push_back(View(mean * 1e-4, se * 1e-4, n_eff, n_eff * hits / 100.0));
  }
  const std::vector<WalletScore> s = ScoreWallets(wallets);
  RC_ASSERT(s.size() == wallets.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const WalletMomentsView& w = wallets[i];
    RC_ASSERT(s[i].eligible == (w.effective_n >= 30.0 && w.std_error > 0.0));
    if (!s[i].eligible) RC_ASSERT(s[i].p_value == 1.0 && s[i].q_value == 1.0);
    RC_ASSERT(s[i].q_value >= s[i].p_value);
    RC_ASSERT(std::fabs(s[i].shrunk_alpha) <= std::fabs(w.mean));
    RC_ASSERT(s[i].shrunk_alpha * w.mean >= 0.0);
    RC_ASSERT(s[i].hit_rate_lower <= s[i].hit_rate + 1e-15);
    if (s[i].smart_money) {
      RC_ASSERT(s[i].eligible && s[i].q_value <= 0.05 && s[i].shrunk_alpha > 0.0);
    }
  }
  // Deterministic.
  const std::vector<WalletScore> again = ScoreWallets(wallets);
  for (size_t i = 0; i < s.size(); ++i) {
    RC_ASSERT(again[i].q_value == s[i].q_value && again[i].shrunk_alpha == s[i].shrunk_alpha);
  }
}

}  // namespace
}  // namespace coattail::stats
