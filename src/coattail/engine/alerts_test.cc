#include "coattail/engine/alerts.h"

#include <deque>
#include <string>

#include "coattail/engine/hash.h"
#include "gtest/gtest.h"

namespace coattail::engine {
namespace {

TEST(AlertsTest, TheAlertIdIsAFixedFunctionOfTheTradeAndTheRule) {
  const Key128 trade{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  // Pinned: stores key alerts by this id, so a change would duplicate every replayed alert.
  EXPECT_EQ(AlertId(trade, kRuleLargeTrade).Hex(), "f1a244b35e0cb4be91ae8c004eb36858");
  EXPECT_NE(AlertId(trade, kRuleLargeTrade), AlertId(trade, "another_rule"));
  EXPECT_NE(AlertId(trade, kRuleLargeTrade),
            AlertId(Key128{trade.hi, trade.lo + 1}, kRuleLargeTrade));
}

TEST(AlertsTest, TheRateLimitCountsAlertsInsideTheWindowOnly) {
  AlertRule rule;
  rule.rate_limit = 2;
  rule.rate_window_ms = 3'600'000;
  std::deque<int64_t> recent;
  EXPECT_TRUE(AdmitUnderRateLimit(recent, 0, rule));
  EXPECT_TRUE(AdmitUnderRateLimit(recent, 1000, rule));
  EXPECT_FALSE(AdmitUnderRateLimit(recent, 2000, rule));
  EXPECT_EQ(recent.size(), 2u) << "a refused alert is not recorded";
  // The alert at 0 leaves the window exactly one window later.
  EXPECT_TRUE(AdmitUnderRateLimit(recent, 3'600'000, rule));
  EXPECT_EQ(recent, (std::deque<int64_t>{1000, 3'600'000}));
}

TEST(AlertsTest, TheReasonQuotesTheFiguresAndTheThresholds) {
  EngineConfig config;
  const AlertRule rule = AlertRule::FromConfig(config);
  Alert a;
  a.score = 0.01234;
  a.horizon_ms = 86'400'000;
  a.t_stat = 4.5678;
  a.q_value = 0.0123;
  a.n = 41.6;
  a.side = "sell";
  a.usd_value = 1'234'567;
  a.token = "PEPE";
  EXPECT_EQ(LargeTradeReason(a, rule),
            "smart money (alpha +1.234% per trade at 24h, t=4.57, q=0.012 <= 0.05, n=42 >= 30) "
            "sold $1.23M of PEPE >= $250.0k");
}

}  // namespace
}  // namespace coattail::engine
