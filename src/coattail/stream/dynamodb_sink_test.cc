#include "coattail/stream/dynamodb_sink.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/moto_fixture.h"
#include "gtest/gtest.h"

namespace coattail::stream {
namespace {

using aws::AttributeValue;

engine::Alert MakeAlert(std::string id, int64_t t) {
  engine::Alert a;
  a.alert_id = std::move(id);
  a.rule = "smart_money_large_trade";
  a.chain = "ethereum";
  a.tx_hash = "0xabc";
  a.log_index = 3;
  a.wallet = "0x00000000000000000000000000000000000000aa";
  a.token = "PEPE";
  a.side = "buy";
  a.usd_value = 617.25;
  a.event_time_ms = t;
  a.horizon_ms = 3'600'000;
  a.score = 0.0125;
  a.t_stat = std::numeric_limits<double>::quiet_NaN();
  a.q_value = 0.01;
  a.n = 42;
  a.hit_rate = 0.6;
  a.hit_rate_lower = 0.45;
  a.reason = "smart money";
  return a;
}

TEST(AlertItemTest, KeysSortByTimeAndCarryTheIndexAndTtlAttributes) {
  // 2026-01-01T00:00:00.123Z
  const aws::Item item = AlertItem(MakeAlert("f00d", 1'767'225'600'123), false, 90);
  EXPECT_EQ(item.at("wallet"), AttributeValue::S("0x00000000000000000000000000000000000000aa"));
  EXPECT_EQ(item.at("alert_key"), AttributeValue::S("1767225600123#f00d"));
  EXPECT_EQ(item.at("day"), AttributeValue::S("2026-01-01"));
  EXPECT_EQ(item.at("expires_at"), AttributeValue::N(int64_t{1'767'225'600 + 90 * 86'400}));
  EXPECT_EQ(item.at("usd_value"), AttributeValue::NumberText("617.25"));
  EXPECT_EQ(item.at("retracted"), AttributeValue::Bool(false));
  EXPECT_EQ(item.count("t_stat"), 0u);  // NaN is left out: DynamoDB has no NaN
  // Zero-padded to 13 digits, so string order is time order for any epoch-ms time.
  EXPECT_EQ(AlertItem(MakeAlert("x", 5), false, 90).at("alert_key"),
            AttributeValue::S("0000000000005#x"));
}

TEST(ScoreItemTest, OnlySmartMoneyRowsJoinTheLeaderboardIndex) {
  engine::WalletScoreRow row;
  row.wallet = "0xaa";
  row.horizon_ms = 3'600'000;
  row.tier = "whale";
  row.shrunk_alpha = 0.002;
  row.smart_money = true;
  row.trade_count = 7;
  aws::Item item = ScoreItem(row);
  EXPECT_EQ(item.at("board"), AttributeValue::S("smart#3600000"));
  EXPECT_EQ(item.at("horizon_ms"), AttributeValue::N(int64_t{3'600'000}));
  EXPECT_EQ(item.at("trade_count"), AttributeValue::N(int64_t{7}));
  row.smart_money = false;
  EXPECT_EQ(ScoreItem(row).count("board"), 0u);
}

using DynamoDbSinkMotoTest = aws::testing::MotoTest;

TEST_F(DynamoDbSinkMotoTest, ReplayRewritesIdenticalItemsAndRetractionMarksThem) {
  auto client = aws::testing::MakeDynamoDbFor(server().endpoint(), "us-west-2",
                                              aws::testing::EmulatorClientOptions());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(aws::testing::CreateStringKeyedTable(*client, "alerts", "wallet", "alert_key").ok());
  DynamoDbSink sink(&*client, DynamoDbSinkOptions{"alerts", "", 90});
  std::vector<engine::Alert> alerts;
  for (int i = 0; i < 60; ++i)
    alerts.push_back(MakeAlert(absl::StrCat("id", i), 1'767'225'600'000 + i));
  // Raised and retracted between two commits: one item, retracted (no duplicate key in a batch).
  ASSERT_TRUE(sink.WriteAlerts(alerts, {alerts[5]}).ok());
  ASSERT_TRUE(sink.WriteAlerts(alerts, {alerts[5]}).ok());  // a replay
  aws::QueryRequest query;
  query.table = "alerts";
  query.key_condition_expression = "wallet = :w";
  query.expression_attribute_values[":w"] = AttributeValue::S(alerts[0].wallet);
  int64_t count = 0;
  int64_t retracted = 0;
  while (true) {
    auto page = client->Query(query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const aws::Item& item : page->items) {
      ++count;
      if (item.at("retracted") == AttributeValue::Bool(true)) {
        ++retracted;
        EXPECT_EQ(item.at("alert_id"), AttributeValue::S("id5"));
      }
    }
    if (!page->last_evaluated_key) break;
    query.exclusive_start_key = page->last_evaluated_key;
  }
  EXPECT_EQ(count, 60);
  EXPECT_EQ(retracted, 1);
  EXPECT_EQ(sink.alerts_written(), 120);
}

}  // namespace
}  // namespace coattail::stream
