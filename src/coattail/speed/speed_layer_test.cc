#include "coattail/speed/speed_layer.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "coattail/engine/engine_test_util.h"
#include "coattail/engine/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::speed {
namespace {

using ::coattail::engine::testing::kMinute;
using ::coattail::engine::testing::kT0;
using ::coattail::engine::testing::PriceLine;
using ::coattail::engine::testing::TradeLine;
using ::coattail::engine::testing::Wallet;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FakeScores : public ScoreLookup {
 public:
  absl::StatusOr<Standings> Find(const std::vector<std::string>& wallets,
                                 int64_t horizon_ms) override {
    calls.push_back(wallets);
    horizons.push_back(horizon_ms);
    if (!fail.ok()) return fail;
    Standings out;
    for (const std::string& w : wallets) {
      if (auto it = standings.find(w); it != standings.end()) out.emplace(w, it->second);
    }
    return out;
  }
  Standings standings;
  absl::Status fail;
  std::vector<std::vector<std::string>> calls;
  std::vector<int64_t> horizons;
};

lambda::KinesisRecord Record(std::string sequence, const std::vector<std::string>& lines) {
  lambda::KinesisRecord r;
  r.sequence_number = std::move(sequence);
  for (const std::string& line : lines) absl::StrAppend(&r.data, line, "\n");
  return r;
}

Standing Smart() {
  Standing s;
  s.smart_money = true;
  s.shrunk_alpha = 0.0125;
  s.t_stat = 4.2;
  s.q_value = 0.01;
  s.effective_n = 64;
  s.hit_rate = 0.7;
  s.hit_rate_lower = 0.58;
  return s;
}

engine::AlertRule Rule() {
  engine::EngineConfig config;
  config.alert_min_usd = 1000;
  return engine::AlertRule::FromConfig(config);
}

constexpr int64_t kHour = 3'600'000;

TEST(SpeedLayerTest, ASmartWalletsLargeTradeAlertsAsTheEngineWould) {
  FakeScores scores;
  scores.standings[Wallet(1)] = Smart();
  scores.standings[Wallet(2)] = Standing{};  // scored, not smart money
  SpeedLayer speed(Rule(), kHour);
  const std::vector<lambda::KinesisRecord> records = {
      Record("1", {PriceLine("ETH", kT0, 2000),
                   TradeLine({.wallet = 1, .amount = 200, .price = 10, .tx = 7, .log_index = 3}),
                   TradeLine({.wallet = 1, .amount = 5, .price = 10, .tx = 8}),  // $50: too small
                   TradeLine({.wallet = 2, .amount = 200, .price = 10, .tx = 9}),
                   TradeLine({.wallet = 3, .amount = 200, .price = 10, .tx = 10})}),  // unscored
  };
  absl::StatusOr<BatchOutcome> out = speed.Score(records, scores);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->records, 1);
  EXPECT_EQ(out->events, 5);
  EXPECT_EQ(out->prices, 1);
  EXPECT_EQ(out->trades, 4);
  EXPECT_TRUE(out->rejects.empty());
  ASSERT_EQ(out->alerts.size(), 1u);
  const engine::Alert& a = out->alerts[0];
  engine::TxHash tx{};
  tx[31] = 7;
  EXPECT_EQ(a.alert_id,
            engine::AlertId(engine::TradeKey("ethereum", tx, 3), engine::kRuleLargeTrade).Hex());
  EXPECT_EQ(a.wallet, Wallet(1));
  EXPECT_EQ(a.tx_hash, absl::StrCat("0x", std::string(62, '0'), "07"));
  EXPECT_EQ(a.log_index, 3);
  EXPECT_EQ(a.side, "buy");
  EXPECT_DOUBLE_EQ(a.usd_value, 2000);
  EXPECT_EQ(a.event_time_ms, kT0);
  EXPECT_EQ(a.horizon_ms, kHour);
  EXPECT_DOUBLE_EQ(a.score, 0.0125);
  EXPECT_EQ(a.reason,
            "smart money (alpha +1.250% per trade at 1h, t=4.20, q=0.01 <= 0.05, n=64 >= 30) "
            "bought $2.0k of TKN >= $1.0k");
  // One lookup for the batch, of the wallets with large trades, at the primary horizon.
  EXPECT_THAT(scores.calls, ElementsAre(ElementsAre(Wallet(1), Wallet(2), Wallet(3))));
  EXPECT_THAT(scores.horizons, ElementsAre(kHour));
}

TEST(SpeedLayerTest, WalletsAreLookedUpInLowerCase) {
  FakeScores scores;
  const std::string lower = "0x00000000000000000000000000000000000000ab";
  scores.standings[lower] = Smart();
  std::string line = TradeLine({.wallet = 0xab, .amount = 200, .price = 10});
  const std::string mixed = "0x00000000000000000000000000000000000000AB";
  line.replace(line.find(lower), lower.size(), mixed);
  SpeedLayer speed(Rule(), kHour);
  absl::StatusOr<BatchOutcome> out = speed.Score({Record("1", {line})}, scores);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->alerts.size(), 1u);
  EXPECT_EQ(out->alerts[0].wallet, lower);
}

TEST(SpeedLayerTest, BadEventsAreRejectedWithTheirReasonAndTheBatchGoesOn) {
  FakeScores scores;
  scores.standings[Wallet(1)] = Smart();
  lambda::KinesisRecord undecodable;
  undecodable.sequence_number = "2";
  undecodable.data_status = absl::InvalidArgumentError("record 2: data is not base64");
  SpeedLayer speed(Rule(), kHour);
  absl::StatusOr<BatchOutcome> out = speed.Score(
      {Record("1", {R"({"type":"trade")", TradeLine({.wallet = 1, .amount = 200, .price = 10}),
                    R"({"type":"price","token":"ETH","time":1,"price_usd":-5})"}),
       undecodable},
      scores);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->alerts.size(), 1u);
  ASSERT_EQ(out->rejects.size(), 3u);
  EXPECT_EQ(out->rejects[0].sequence_number, "1");
  EXPECT_EQ(out->rejects[0].index, 1);
  EXPECT_EQ(out->rejects[0].raw, R"({"type":"trade")");
  EXPECT_THAT(out->rejects[0].reason, HasSubstr("invalid JSON"));
  EXPECT_EQ(out->rejects[1].index, 3);
  EXPECT_THAT(out->rejects[1].reason, HasSubstr("price_usd"));
  EXPECT_EQ(out->rejects[2].sequence_number, "2");
  EXPECT_EQ(out->rejects[2].index, 0);
  EXPECT_THAT(out->rejects[2].reason, HasSubstr("not base64"));
}

TEST(SpeedLayerTest, TheRateLimitHoldsWithinTheBatch) {
  FakeScores scores;
  scores.standings[Wallet(1)] = Smart();
  std::vector<std::string> lines;
  for (int i = 0; i < 7; ++i) {
    lines.push_back(TradeLine(
        {.wallet = 1, .amount = 200, .price = 10, .time_ms = kT0 + i * kMinute, .tx = 100 + i}));
  }
  SpeedLayer speed(Rule(), kHour);  // the default limit: 5 per wallet per hour
  absl::StatusOr<BatchOutcome> out = speed.Score({Record("1", lines)}, scores);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->alerts.size(), 5u);
  EXPECT_EQ(out->alerts_rate_limited, 2);
}

TEST(SpeedLayerTest, ARetractionNamesTheAlertItsTradeWouldHaveRaisedWhateverTheStanding) {
  FakeScores scores;  // nobody is smart money any more
  SpeedLayer speed(Rule(), kHour);
  absl::StatusOr<BatchOutcome> out = speed.Score(
      {Record("1", {TradeLine({.wallet = 1, .amount = 200, .price = 10, .tx = 7, .removed = true}),
                    TradeLine({.wallet = 1, .amount = 2, .price = 10, .tx = 8, .removed = true})})},
      scores);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->alerts.empty());
  ASSERT_EQ(out->retractions.size(), 1u) << "only trades the rule could have alerted on";
  engine::TxHash tx{};
  tx[31] = 7;
  EXPECT_EQ(out->retractions[0].alert_id,
            engine::AlertId(engine::TradeKey("ethereum", tx, 0), engine::kRuleLargeTrade).Hex());
  EXPECT_EQ(out->retractions[0].event_time_ms, kT0);
  EXPECT_TRUE(scores.calls.empty()) << "a retraction needs no score";
}

TEST(SpeedLayerTest, AFailedLookupFailsTheBatch) {
  FakeScores scores;
  scores.fail = absl::UnavailableError("dynamodb BatchGetItem: throttled");
  SpeedLayer speed(Rule(), kHour);
  absl::StatusOr<BatchOutcome> out =
      speed.Score({Record("1", {TradeLine({.wallet = 1, .amount = 200, .price = 10})})}, scores);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kUnavailable);
}

TEST(SpeedLayerTest, AnEmptyBatchLooksNothingUp) {
  FakeScores scores;
  SpeedLayer speed(Rule(), kHour);
  absl::StatusOr<BatchOutcome> out = speed.Score({}, scores);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->records, 0);
  EXPECT_TRUE(scores.calls.empty());
}

}  // namespace
}  // namespace coattail::speed
