// End-to-end against moto's server mode (the local AWS emulator on this platform), started by the
// test on 127.0.0.1 and stopped at the end (see moto_server.h for when it skips). moto does not
// verify signatures, so this checks the protocol layer (request shapes, response parsing,
// pagination, 100-continue with a real HTTP server); sigv4_golden_test.cc checks the signing.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/aws/kinesis.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/moto_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

using ::testing::HasSubstr;

class MotoTest : public testing::MotoTest {
 protected:
  ClientOptions Options() const {
    ClientOptions options;
    options.proxy = "";
    options.request_timeout = absl::Seconds(20);
    return options;
  }
};

TEST_F(MotoTest, KinesisRoundTrip) {
  absl::StatusOr<KinesisClient> kinesis =
      testing::MakeKinesisFor(server().endpoint(), "us-east-1", Options());
  ASSERT_TRUE(kinesis.ok()) << kinesis.status();
  ASSERT_TRUE(
      kinesis->client()
          .Call("Kinesis_20131202.CreateStream", R"({"StreamName":"trades","ShardCount":2})")
          .ok());
  absl::StatusOr<std::vector<Shard>> shards = kinesis->ListShards("trades");
  ASSERT_TRUE(shards.ok()) << shards.status();
  ASSERT_EQ(shards->size(), 2u);

  // 1,200 records: three PutRecords calls of at most 500.
  PutRecordsBatcher batcher(&*kinesis, "trades");
  std::set<std::string> sent;
  for (int i = 0; i < 1200; ++i) {
    std::string data = absl::StrCat(R"({"type":"trade","n":)", i, "}");
    ASSERT_TRUE(batcher.Add(data, absl::StrCat("0xwallet", i % 37)).ok());
    sent.insert(std::move(data));
  }
  // Three records of 400 KB: a 1.6 MB request body, over curl's 1 MiB Expect: 100-continue
  // threshold, through a real HTTP server.
  for (int i = 0; i < 3; ++i) {
    std::string data(400 * 1024, static_cast<char>('a' + i));
    ASSERT_TRUE(batcher.Add(data, "big").ok());
    sent.insert(std::move(data));
  }
  const absl::Time flush_start = absl::Now();
  ASSERT_TRUE(batcher.Flush().ok());
  EXPECT_LT(absl::Now() - flush_start, absl::Seconds(10));
  EXPECT_EQ(batcher.stats().records_sent, 1203);
  // 500 + 500 flushed by Add; the last call carries 200 small and the 3 large records.
  EXPECT_EQ(batcher.stats().calls, 3);

  std::set<std::string> received;
  std::string first_sequence;
  std::string first_shard;
  for (const Shard& shard : *shards) {
    absl::StatusOr<std::string> iterator =
        kinesis->GetShardIterator("trades", shard.shard_id, ShardIteratorStart::TrimHorizon());
    ASSERT_TRUE(iterator.ok()) << iterator.status();
    std::optional<std::string> next = *iterator;
    for (int page = 0; page < 100 && next.has_value(); ++page) {
      absl::StatusOr<GetRecordsResult> result = kinesis->GetRecords(*next, 500);
      ASSERT_TRUE(result.ok()) << result.status();
      if (result->records.empty()) break;
      for (KinesisRecord& record : result->records) {
        if (first_sequence.empty()) {
          first_sequence = record.sequence_number;
          first_shard = shard.shard_id;
        }
        EXPECT_GT(record.approximate_arrival_ms, 1600000000000);
        received.insert(std::move(record.data));
      }
      next = result->next_shard_iterator;
    }
  }
  EXPECT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent);

  absl::StatusOr<std::string> after = kinesis->GetShardIterator(
      "trades", first_shard, ShardIteratorStart::AfterSequenceNumber(first_sequence));
  ASSERT_TRUE(after.ok()) << after.status();
  absl::StatusOr<GetRecordsResult> rest = kinesis->GetRecords(*after, 1);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->records.size(), 1u);
  EXPECT_NE(rest->records[0].sequence_number, first_sequence);

  absl::StatusOr<std::vector<Shard>> missing = kinesis->ListShards("no-such-stream");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(AwsErrorType(missing.status()), "ResourceNotFoundException");
}

TEST_F(MotoTest, DynamoDbRoundTrip) {
  absl::StatusOr<DynamoDbClient> dynamodb =
      testing::MakeDynamoDbFor(server().endpoint(), "us-east-1", Options());
  ASSERT_TRUE(dynamodb.ok()) << dynamodb.status();
  absl::StatusOr<std::string> created =
      dynamodb->client().Call("DynamoDB_20120810.CreateTable",
                              R"({"TableName":"alerts","BillingMode":"PAY_PER_REQUEST",
          "AttributeDefinitions":[{"AttributeName":"wallet","AttributeType":"S"},
                                  {"AttributeName":"ts","AttributeType":"N"}],
          "KeySchema":[{"AttributeName":"wallet","KeyType":"HASH"},
                       {"AttributeName":"ts","KeyType":"RANGE"}]})");
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<TableDescription> table = dynamodb->DescribeTable("alerts");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->table_status, "ACTIVE");
  ASSERT_EQ(table->key_schema.size(), 2u);
  EXPECT_EQ(table->key_schema[0].attribute_name, "wallet");

  std::vector<Item> items;
  for (int i = 0; i < 60; ++i) {
    items.push_back({{"wallet", AttributeValue::S(i < 30 ? "0xaa" : "0xbb")},
                     {"ts", AttributeValue::N(int64_t{1767225600000} + i)},
                     {"usd", AttributeValue::N(617.25 + i)},
                     {"note", AttributeValue::S("caf\xc3\xa9 \"quoted\"\n\t\x01")},
                     {"raw", AttributeValue::B(std::string("\x00\xff", 2))},
                     {"tags", AttributeValue::SS({"whale", "eth"})}});
  }
  ASSERT_TRUE(dynamodb->BatchPutAll("alerts", items).ok());

  absl::StatusOr<std::optional<Item>> got = dynamodb->GetItem(
      "alerts",
      {{"wallet", AttributeValue::S("0xaa")}, {"ts", AttributeValue::N(int64_t{1767225600007})}},
      /*consistent_read=*/true);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((**got).at("usd").AsDouble(), 624.25);
  EXPECT_EQ((**got).at("note").text(), "caf\xc3\xa9 \"quoted\"\n\t\x01");
  EXPECT_EQ((**got).at("raw").text(), std::string("\x00\xff", 2));
  absl::StatusOr<std::optional<Item>> none = dynamodb->GetItem(
      "alerts", {{"wallet", AttributeValue::S("0xcc")}, {"ts", AttributeValue::N(int64_t{1})}});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  // 120 keys (two calls), 60 of them without an item: those are simply absent.
  std::vector<Item> keys;
  for (int i = 0; i < 120; ++i) {
    keys.push_back({{"wallet", AttributeValue::S(i % 2 == 0 ? "0xaa" : "0xcc")},
                    {"ts", AttributeValue::N(int64_t{1767225600000} + i / 2)}});
  }
  absl::StatusOr<std::vector<Item>> batch = dynamodb->BatchGetAll("alerts", keys);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 30u) << "0xaa holds ts +0 .. +29; 0xcc holds nothing";
  for (const Item& item : *batch) {
    EXPECT_EQ(item.at("wallet").text(), "0xaa");
    EXPECT_EQ(*item.at("usd").AsDouble(),
              617.25 + static_cast<double>(*item.at("ts").AsInt64() - 1767225600000));
  }

  QueryRequest query;
  query.table = "alerts";
  query.key_condition_expression = "wallet = :w AND #ts >= :t";
  query.expression_attribute_names = {{"#ts", "ts"}};
  query.expression_attribute_values = {{":w", AttributeValue::S("0xaa")},
                                       {":t", AttributeValue::N(int64_t{1767225600000})}};
  query.limit = 7;
  std::vector<int64_t> seen;
  for (int page = 0; page < 20; ++page) {
    absl::StatusOr<QueryResult> result = dynamodb->Query(query);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const Item& item : result->items) seen.push_back(*item.at("ts").AsInt64());
    if (!result->last_evaluated_key.has_value()) break;
    query.exclusive_start_key = result->last_evaluated_key;
  }
  ASSERT_EQ(seen.size(), 30u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.front(), 1767225600000);

  absl::StatusOr<TableDescription> missing = dynamodb->DescribeTable("nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(AwsErrorType(missing.status()), "ResourceNotFoundException");
  absl::StatusOr<std::vector<Item>> bad = dynamodb->BatchWriteItem(
      "alerts", std::vector<Item>{{{"wallet", AttributeValue::S("0xaa")}}});  // no range key
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("ValidationException"));
}

}  // namespace
}  // namespace coattail::aws
