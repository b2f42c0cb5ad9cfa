#include "coattail/speed/dynamodb_alert_writer.h"

#include <optional>
#include <string>
#include <vector>

#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/moto_fixture.h"
#include "coattail/aws/testing/moto_server.h"
#include "gtest/gtest.h"

namespace coattail::speed {
namespace {

engine::Alert MakeAlert(std::string wallet, std::string id, int64_t time_ms, double score) {
  engine::Alert a;
  a.alert_id = std::move(id);
  a.rule = std::string(engine::kRuleLargeTrade);
  a.chain = "ethereum";
  a.tx_hash = "0x01";
  a.wallet = std::move(wallet);
  a.token = "PEPE";
  a.side = "buy";
  a.usd_value = 300'000;
  a.event_time_ms = time_ms;
  a.horizon_ms = 3'600'000;
  a.score = score;
  a.reason = "smart money";
  return a;
}

class DynamoDbAlertWriterTest : public aws::testing::MotoTest {};

// Against the emulator, which evaluates condition expressions as DynamoDB does.
TEST_F(DynamoDbAlertWriterTest, WritesOnceAndRetractsOnlyWhatExists) {
  absl::StatusOr<aws::DynamoDbClient> client = aws::testing::MakeDynamoDbFor(
      server().endpoint(), "us-west-2", aws::testing::EmulatorClientOptions());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(aws::testing::CreateStringKeyedTable(*client, "alerts", "wallet", "alert_key").ok());
  DynamoDbAlertWriter writer(&*client, "alerts");
  const engine::Alert a = MakeAlert("0xaa", "a1", 1'767'225'600'000, 0.01);
  const engine::Alert b = MakeAlert("0xbb", "b1", 1'767'225'660'000, 0.02);

  absl::StatusOr<AlertWriteStats> first = writer.Write({a, b}, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->written, 2);

  // The same batch again, with another score for `a`: nothing is overwritten.
  engine::Alert a_again = a;
  a_again.score = 0.5;
  absl::StatusOr<AlertWriteStats> again = writer.Write({a_again, b}, {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->written, 0);
  EXPECT_EQ(again->already_present, 2);

  const engine::Alert never_raised = MakeAlert("0xcc", "c1", 1'767'225'700'000, 0);
  absl::StatusOr<AlertWriteStats> retract = writer.Write({}, {a, never_raised});
  ASSERT_TRUE(retract.ok()) << retract.status();
  EXPECT_EQ(retract->retracted, 1);
  EXPECT_EQ(retract->retractions_without_alert, 1);

  absl::StatusOr<std::optional<aws::Item>> item =
      client->GetItem("alerts",
                      {{"wallet", aws::AttributeValue::S("0xaa")},
                       {"alert_key", aws::AttributeValue::S("1767225600000#a1")}},
                      /*consistent_read=*/true);
  ASSERT_TRUE(item.ok()) << item.status();
  ASSERT_TRUE(item->has_value());
  EXPECT_TRUE((**item).at("retracted").boolean());
  EXPECT_EQ((**item).at("shrunk_alpha").AsDouble(), 0.01) << "the first write's figures stay";
  absl::StatusOr<std::optional<aws::Item>> ghost =
      client->GetItem("alerts", {{"wallet", aws::AttributeValue::S("0xcc")},
                                 {"alert_key", aws::AttributeValue::S("1767225700000#c1")}});
  ASSERT_TRUE(ghost.ok());
  EXPECT_FALSE(ghost->has_value()) << "a retraction creates no item";
}

}  // namespace
}  // namespace coattail::speed
