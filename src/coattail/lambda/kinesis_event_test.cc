#include "coattail/lambda/kinesis_event.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::lambda {
namespace {

using ::testing::HasSubstr;

// The shape of the sample event in the Lambda developer guide ("Using Lambda with Kinesis"), with
// a record of two newline-framed events as `coattail produce` writes them, and one record whose
// data is not base64.
constexpr char kEvent[] = R"({
  "Records": [
    {
      "kinesis": {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": "0x00000000000000000000000000000000000000aa",
        "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
        "data": "eyJhIjoxfQp7ImIiOjJ9Cg==",
        "approximateArrivalTimestamp": 1545084650.987
      },
      "eventSource": "aws:kinesis",
      "eventVersion": "1.0",
      "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
      "eventName": "aws:kinesis:record",
      "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
      "awsRegion": "us-west-2",
      "eventSourceARN": "arn:aws:kinesis:us-west-2:123456789012:stream/trades"
    },
    {
      "kinesis": {"partitionKey": "ETH", "sequenceNumber": "2", "data": "not base64!"},
      "eventID": "shardId-000000000001:2"
    }
  ]
})";

TEST(KinesisEventTest, DecodesEveryRecordAndKeepsTheUndecodableOneWithItsReason) {
  absl::StatusOr<std::vector<KinesisRecord>> records = ParseKinesisEvent(kEvent);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  const KinesisRecord& a = (*records)[0];
  EXPECT_EQ(a.shard_id, "shardId-000000000006");
  EXPECT_EQ(a.sequence_number, "49590338271490256608559692538361571095921575989136588898");
  EXPECT_EQ(a.partition_key, "0x00000000000000000000000000000000000000aa");
  EXPECT_EQ(a.arrival_ms, 1545084650987);
  EXPECT_EQ(a.data, "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_TRUE(a.data_status.ok());
  const KinesisRecord& b = (*records)[1];
  EXPECT_EQ(b.shard_id, "shardId-000000000001");
  EXPECT_TRUE(b.data.empty());
  EXPECT_EQ(b.data_status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(b.data_status.message()), HasSubstr("record 2: data is not base64"));
}

TEST(KinesisEventTest, AnEmptyBatchIsNoRecords) {
  absl::StatusOr<std::vector<KinesisRecord>> records = ParseKinesisEvent(R"({"Records":[]})");
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST(KinesisEventTest, ADocumentThatIsNotAKinesisEventIsRefusedWithTheReason) {
  struct Case {
    const char* json;
    const char* reason;
  };
  for (const Case& c : {
           Case{"", "not JSON"},
           Case{"{\"Records\":", "not JSON"},
           Case{"{}", "no \"Records\" array"},
           Case{R"({"Records":{}})", "no \"Records\" array"},
           Case{R"({"Records":[1]})", "record 0: not an object"},
           Case{R"({"Records":[{}]})", "record 0: no \"kinesis\" object"},
           Case{R"({"Records":[{"kinesis":{"data":""}}]})", "record 0: no \"sequenceNumber\""},
           Case{R"({"Records":[{"kinesis":{"sequenceNumber":"1"}}]})", "record 0: no \"data\""},
           Case{R"({"Records":[{"kinesis":{"sequenceNumber":1,"data":""}}]})",
                "\"sequenceNumber\" is not a string"},
       }) {
    absl::StatusOr<std::vector<KinesisRecord>> records = ParseKinesisEvent(c.json);
    ASSERT_FALSE(records.ok()) << c.json;
    EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(std::string(records.status().message()), HasSubstr(c.reason)) << c.json;
  }
}

}  // namespace
}  // namespace coattail::lambda
