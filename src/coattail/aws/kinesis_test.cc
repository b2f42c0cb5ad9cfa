#include "coattail/aws/kinesis.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coattail/aws/base64.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/test_http_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

using testing::CannedResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RecordedRequest;
using testing::TestHttpServer;

class KinesisTest : public ::testing::Test {
 protected:
  KinesisClient MakeKinesis(const TestHttpServer& server) {
    ClientOptions options;
    options.proxy = "";
    options.retry.seed = 99;
    options.retry.max_attempts = 2;
    options.sleep = [this](absl::Duration d) { sleeps_.push_back(d); };
    absl::StatusOr<KinesisClient> client =
        testing::MakeKinesisFor(server.url(), "us-east-1", std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  std::vector<absl::Duration> sleeps_;
};

nlohmann::json BodyOf(const RecordedRequest& request) {
  return nlohmann::json::parse(request.body);
}

// Answers PutRecords with success for every record, except the positions in `fail`.
CannedResponse PutRecordsAnswer(const RecordedRequest& request, const std::vector<size_t>& fail) {
  const nlohmann::json body = BodyOf(request);
  nlohmann::json records = nlohmann::json::array();
  int failed = 0;
  for (size_t i = 0; i < body["Records"].size(); ++i) {
    if (std::find(fail.begin(), fail.end(), i) != fail.end()) {
      records.push_back({{"ErrorCode", "ProvisionedThroughputExceededException"},
                         {"ErrorMessage", "Rate exceeded for shard shardId-000000000001"}});
      ++failed;
    } else {
      records.push_back(
          {{"SequenceNumber", absl::StrCat("4960", i)}, {"ShardId", "shardId-000000000000"}});
    }
  }
  return CannedResponse::Json(
      200, nlohmann::json{{"FailedRecordCount", failed}, {"Records", records}}.dump());
}

TEST_F(KinesisTest, PutRecordsEncodesDataAndKeys) {
  TestHttpServer server(
      [](const RecordedRequest& request) { return PutRecordsAnswer(request, {}); });
  KinesisClient kinesis = MakeKinesis(server);
  const std::string binary("\x00\xff\x10{\"", 5);
  const std::vector<PutRecordsEntry> entries = {
      {binary, "key \"quoted\""},
      {"{\"type\":\"trade\"}", "0xabc", "170141183460469231731687303715884105728"},
  };
  absl::StatusOr<PutRecordsResult> result = kinesis.PutRecords("whale-trades", entries);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->failed_record_count, 0);
  ASSERT_EQ(result->records.size(), 2u);
  EXPECT_EQ(result->records[1].sequence_number, "49601");
  EXPECT_EQ(result->records[1].shard_id, "shardId-000000000000");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("X-Amz-Target"), "Kinesis_20131202.PutRecords");
  const nlohmann::json body = BodyOf(requests[0]);
  EXPECT_EQ(body["StreamName"], "whale-trades");
  EXPECT_EQ(body["Records"][0]["Data"], "AP8QeyI=");
  EXPECT_EQ(body["Records"][0]["PartitionKey"], "key \"quoted\"");
  EXPECT_FALSE(body["Records"][0].contains("ExplicitHashKey"));
  EXPECT_EQ(body["Records"][1]["Data"], Base64Encode("{\"type\":\"trade\"}"));
  EXPECT_EQ(body["Records"][1]["ExplicitHashKey"], "170141183460469231731687303715884105728");
}

TEST_F(KinesisTest, StreamArnIsSentAsStreamARN) {
  TestHttpServer server(
      [](const RecordedRequest& request) { return PutRecordsAnswer(request, {}); });
  KinesisClient kinesis = MakeKinesis(server);
  const std::string arn = "arn:aws:kinesis:us-east-1:123456789012:stream/whale-trades";
  ASSERT_TRUE(kinesis.PutRecords(arn, std::vector<PutRecordsEntry>{{"x", "k"}}).ok());
  const nlohmann::json body = BodyOf(server.requests()[0]);
  EXPECT_EQ(body["StreamARN"], arn);
  EXPECT_FALSE(body.contains("StreamName"));
}

TEST_F(KinesisTest, PutRecordsPartialFailureSaysWhichEntriesFailed) {
  TestHttpServer server([](const RecordedRequest& request) {
    return PutRecordsAnswer(request, {1, 3});
  });
  KinesisClient kinesis = MakeKinesis(server);
  const std::vector<PutRecordsEntry> entries = {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  absl::StatusOr<PutRecordsResult> result = kinesis.PutRecords("s", entries);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->failed_record_count, 2);
  std::vector<bool> ok;
  for (const auto& r : result->records) ok.push_back(r.ok());
  EXPECT_THAT(ok, ElementsAre(true, false, true, false));
  EXPECT_EQ(result->records[1].error_code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(result->records[1].error_message, "Rate exceeded for shard shardId-000000000001");
  EXPECT_TRUE(result->records[1].sequence_number.empty());
}

TEST_F(KinesisTest, PutRecordsRejectsInconsistentResponses) {
  TestHttpServer server({
      // One result for two records.
      CannedResponse::Json(
          200, R"({"FailedRecordCount":0,"Records":[{"SequenceNumber":"1","ShardId":"s"}]})"),
      // FailedRecordCount disagrees with the entries.
      CannedResponse::Json(
          200, R"({"FailedRecordCount":1,"Records":[{"SequenceNumber":"1","ShardId":"s"},)"
               R"({"SequenceNumber":"2","ShardId":"s"}]})"),
  });
  KinesisClient kinesis = MakeKinesis(server);
  const std::vector<PutRecordsEntry> entries = {{"a", "1"}, {"b", "2"}};
  absl::StatusOr<PutRecordsResult> first = kinesis.PutRecords("s", entries);
  EXPECT_EQ(first.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(first.status().message(), HasSubstr("1 results for 2 records"));
  EXPECT_EQ(kinesis.PutRecords("s", entries).status().code(), absl::StatusCode::kInternal);
}

TEST_F(KinesisTest, PutRecordsEnforcesLimitsBeforeSending) {
  TestHttpServer server(
      [](const RecordedRequest& request) { return PutRecordsAnswer(request, {}); });
  KinesisClient kinesis = MakeKinesis(server);
  std::vector<PutRecordsEntry> too_many(501, PutRecordsEntry{"x", "k"});
  EXPECT_EQ(kinesis.PutRecords("s", too_many).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kinesis.PutRecords("s", {}).status().code(), absl::StatusCode::kInvalidArgument);
  const std::string big(size_t{1} << 20, 'x');  // 1 MiB of data + a 1-byte key: one byte over
  EXPECT_EQ(kinesis.PutRecords("s", std::vector<PutRecordsEntry>{{big, "k"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kinesis.PutRecords("s", std::vector<PutRecordsEntry>{{"x", ""}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string long_key(257, 'k');
  EXPECT_EQ(kinesis.PutRecords("s", std::vector<PutRecordsEntry>{{"x", long_key}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // 6 x 1,000,000-byte records: each fits, together they exceed 5 MiB (5,242,880 bytes).
  const std::string million(1000000, 'x');
  std::vector<PutRecordsEntry> heavy(6, PutRecordsEntry{million, "k"});
  EXPECT_EQ(kinesis.PutRecords("s", heavy).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());
  // 256 characters of 2-byte UTF-8 (512 bytes) is a valid key.
  std::string accented;
  for (int i = 0; i < 256; ++i) accented += "\xc3\xa9";
  EXPECT_TRUE(kinesis.PutRecords("s", std::vector<PutRecordsEntry>{{"x", accented}}).ok());
}

TEST(PlanPutRecordsBatchesTest, SplitsByCountAndBytes) {
  std::vector<PutRecordsEntry> small(1200, PutRecordsEntry{"data", "key"});
  absl::StatusOr<std::vector<size_t>> ends = PlanPutRecordsBatches(small);
  ASSERT_TRUE(ends.ok());
  EXPECT_THAT(*ends, ElementsAre(500, 1000, 1200));

  // Records of 30 bytes (28 + 2) against a 100-byte call: three per call.
  PutRecordsLimits limits;
  limits.max_request_bytes = 100;
  limits.max_record_bytes = 100;
  const std::string data(28, 'd');
  std::vector<PutRecordsEntry> sized(7, PutRecordsEntry{data, "pk"});
  ends = PlanPutRecordsBatches(sized, limits);
  ASSERT_TRUE(ends.ok());
  EXPECT_THAT(*ends, ElementsAre(3, 6, 7));

  EXPECT_TRUE(PlanPutRecordsBatches({})->empty());
  std::vector<PutRecordsEntry> bad = {{"x", "k"}, {"x", ""}};
  EXPECT_THAT(PlanPutRecordsBatches(bad).status().message(), HasSubstr("record 1"));
}

TEST_F(KinesisTest, BatcherResendsOnlyRejectedEntries) {
  int call = 0;
  TestHttpServer server([&call](const RecordedRequest& request) {
    return PutRecordsAnswer(request,
                            ++call == 1 ? std::vector<size_t>{1, 3} : std::vector<size_t>{});
  });
  KinesisClient kinesis = MakeKinesis(server);
  PutRecordsBatcher batcher(&kinesis, "s");
  for (const char* data : {"r0", "r1", "r2", "r3", "r4"}) {
    ASSERT_TRUE(batcher.Add(data, absl::StrCat("key-", data)).ok());
  }
  EXPECT_EQ(batcher.buffered_records(), 5u);
  ASSERT_TRUE(batcher.Flush().ok());
  EXPECT_EQ(batcher.buffered_records(), 0u);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  const nlohmann::json second = BodyOf(requests[1]);
  ASSERT_EQ(second["Records"].size(), 2u);
  EXPECT_EQ(second["Records"][0]["Data"], Base64Encode("r1"));
  EXPECT_EQ(second["Records"][0]["PartitionKey"], "key-r1");
  EXPECT_EQ(second["Records"][1]["Data"], Base64Encode("r3"));
  EXPECT_EQ(batcher.stats().records_sent, 5);
  EXPECT_EQ(batcher.stats().calls, 2);
  EXPECT_EQ(batcher.stats().entries_resent, 2);
  EXPECT_EQ(sleeps_.size(), 1u);  // one backoff between the two rounds
}

TEST_F(KinesisTest, BatcherFlushesWhenTheNextRecordWouldNotFit) {
  TestHttpServer server(
      [](const RecordedRequest& request) { return PutRecordsAnswer(request, {}); });
  KinesisClient kinesis = MakeKinesis(server);
  PutRecordsBatcher batcher(&kinesis, "s");
  for (int i = 0; i < 501; ++i) ASSERT_TRUE(batcher.Add(absl::StrCat(i), "k").ok());
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(BodyOf(server.requests()[0])["Records"].size(), 500u);
  EXPECT_EQ(batcher.buffered_records(), 1u);
  ASSERT_TRUE(batcher.Flush().ok());
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(BodyOf(server.requests()[1])["Records"][0]["Data"], Base64Encode("500"));
  EXPECT_EQ(batcher.stats().records_sent, 501);
  EXPECT_TRUE(batcher.Add("x", "").code() == absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(batcher.buffered_records(), 0u);
}

TEST_F(KinesisTest, BatcherKeepsRejectedRecordsWhenGivingUp) {
  std::atomic<bool> reject{true};
  TestHttpServer server([&reject](const RecordedRequest& request) {
    return PutRecordsAnswer(request,
                            reject.load() ? std::vector<size_t>{0} : std::vector<size_t>{});
  });
  KinesisClient kinesis = MakeKinesis(server);
  PutRecordsBatcher::Options options;
  options.max_resend_rounds = 2;
  PutRecordsBatcher batcher(&kinesis, "s", options);
  ASSERT_TRUE(batcher.Add("first", "k1").ok());
  ASSERT_TRUE(batcher.Add("second", "k2").ok());
  absl::Status status = batcher.Flush();
  ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("ProvisionedThroughputExceededException"));
  EXPECT_EQ(server.requests().size(), 3u);  // the first call and two resends
  EXPECT_EQ(batcher.buffered_records(), 1u);
  EXPECT_EQ(batcher.stats().records_sent, 1);
  reject = false;
  ASSERT_TRUE(batcher.Flush().ok());
  const nlohmann::json last = BodyOf(server.requests().back());
  ASSERT_EQ(last["Records"].size(), 1u);
  EXPECT_EQ(last["Records"][0]["Data"], Base64Encode("first"));
  EXPECT_EQ(last["Records"][0]["PartitionKey"], "k1");
  EXPECT_EQ(batcher.stats().records_sent, 2);
}

TEST_F(KinesisTest, BatcherHandsOverTheRecordsItGaveUpOn) {
  // Kinesis keeps rejecting the record "second" (e.g. a KMS error on its shard) and accepts the
  // rest.
  TestHttpServer server([](const RecordedRequest& request) {
    const nlohmann::json body = BodyOf(request);
    std::vector<size_t> fail;
    for (size_t i = 0; i < body["Records"].size(); ++i) {
      if (body["Records"][i]["Data"] == Base64Encode("second")) fail.push_back(i);
    }
    return PutRecordsAnswer(request, fail);
  });
  KinesisClient kinesis = MakeKinesis(server);
  PutRecordsBatcher::Options options;
  options.max_resend_rounds = 1;
  PutRecordsBatcher batcher(&kinesis, "s", options);
  ASSERT_TRUE(batcher.Add("first", "k1").ok());
  ASSERT_TRUE(batcher.Add("second", "k2").ok());
  ASSERT_TRUE(batcher.Add("third", "k3").ok());
  ASSERT_EQ(batcher.Flush().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(batcher.stats().records_sent, 2);
  const std::vector<std::pair<std::string, std::string>> left = batcher.TakeBuffered();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].first, "second");
  EXPECT_EQ(left[0].second, "k2");
  EXPECT_EQ(batcher.buffered_records(), 0u);
  const size_t calls = server.requests().size();
  EXPECT_TRUE(batcher.Flush().ok());  // nothing left: no call
  EXPECT_EQ(server.requests().size(), calls);
}

TEST_F(KinesisTest, BatcherKeepsEverythingWhenTheCallFails) {
  TestHttpServer server({CannedResponse::Json(
      400, R"({"__type":"ResourceNotFoundException","message":"Stream s not found"})")});
  KinesisClient kinesis = MakeKinesis(server);
  PutRecordsBatcher batcher(&kinesis, "s");
  ASSERT_TRUE(batcher.Add("a", "k").ok());
  absl::Status status = batcher.Flush();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(AwsErrorType(status), "ResourceNotFoundException");
  EXPECT_EQ(batcher.buffered_records(), 1u);
}

TEST_F(KinesisTest, ListShardsFollowsNextToken) {
  TestHttpServer server([](const RecordedRequest& request) {
    const nlohmann::json body = BodyOf(request);
    if (!body.contains("NextToken")) {
      return CannedResponse::Json(200, R"({"Shards":[
        {"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0",
         "EndingHashKey":"170141183460469231731687303715884105727"},
         "SequenceNumberRange":{"StartingSequenceNumber":"100","EndingSequenceNumber":"200"}},
        {"ShardId":"shardId-000000000001","HashKeyRange":{"StartingHashKey":"170141183460469231731687303715884105728",
         "EndingHashKey":"340282366920938463463374607431768211455"},
         "SequenceNumberRange":{"StartingSequenceNumber":"101","EndingSequenceNumber":null}}],
        "NextToken":"token-1"})");
    }
    return CannedResponse::Json(200, R"({"Shards":[
        {"ShardId":"shardId-000000000002","ParentShardId":"shardId-000000000000",
         "AdjacentParentShardId":"shardId-000000000001",
         "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"1"},
         "SequenceNumberRange":{"StartingSequenceNumber":"300"}}]})");
  });
  KinesisClient kinesis = MakeKinesis(server);
  absl::StatusOr<std::vector<Shard>> shards = kinesis.ListShards("whale-trades");
  ASSERT_TRUE(shards.ok()) << shards.status();
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_EQ((*shards)[0].shard_id, "shardId-000000000000");
  EXPECT_FALSE((*shards)[0].is_open());
  EXPECT_EQ((*shards)[0].ending_sequence_number, "200");
  EXPECT_EQ((*shards)[1].ending_hash_key, "340282366920938463463374607431768211455");
  EXPECT_TRUE((*shards)[1].is_open());
  EXPECT_EQ((*shards)[2].parent_shard_id, "shardId-000000000000");
  EXPECT_EQ((*shards)[2].adjacent_parent_shard_id, "shardId-000000000001");
  EXPECT_EQ((*shards)[2].starting_sequence_number, "300");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(BodyOf(requests[0]), (nlohmann::json{{"StreamName", "whale-trades"}}));
  // The second page names only the token: Kinesis rejects StreamName together with NextToken.
  EXPECT_EQ(BodyOf(requests[1]), (nlohmann::json{{"NextToken", "token-1"}}));
}

TEST_F(KinesisTest, GetShardIteratorRequestPerStartType) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse::Json(200, R"({"ShardIterator":"AAAA-iterator"})");
  });
  KinesisClient kinesis = MakeKinesis(server);
  absl::StatusOr<std::string> iterator =
      kinesis.GetShardIterator("s", "shardId-000000000001", ShardIteratorStart::TrimHorizon());
  ASSERT_TRUE(iterator.ok()) << iterator.status();
  EXPECT_EQ(*iterator, "AAAA-iterator");
  ASSERT_TRUE(kinesis
                  .GetShardIterator("s", "shardId-000000000001",
                                    ShardIteratorStart::AfterSequenceNumber("4960001"))
                  .ok());
  ASSERT_TRUE(kinesis
                  .GetShardIterator("s", "shardId-000000000001",
                                    ShardIteratorStart::AtSequenceNumber("4960002"))
                  .ok());
  ASSERT_TRUE(kinesis
                  .GetShardIterator("s", "shardId-000000000001",
                                    ShardIteratorStart::AtTimestamp(1767225600007))
                  .ok());
  EXPECT_EQ(kinesis
                .GetShardIterator("s", "shardId-000000000001",
                                  ShardIteratorStart::AfterSequenceNumber(""))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(BodyOf(requests[0]), (nlohmann::json{{"StreamName", "s"},
                                                 {"ShardId", "shardId-000000000001"},
                                                 {"ShardIteratorType", "TRIM_HORIZON"}}));
  EXPECT_EQ(BodyOf(requests[1])["ShardIteratorType"], "AFTER_SEQUENCE_NUMBER");
  EXPECT_EQ(BodyOf(requests[1])["StartingSequenceNumber"], "4960001");
  EXPECT_EQ(BodyOf(requests[2])["ShardIteratorType"], "AT_SEQUENCE_NUMBER");
  EXPECT_EQ(BodyOf(requests[2])["StartingSequenceNumber"], "4960002");
  EXPECT_EQ(BodyOf(requests[3])["ShardIteratorType"], "AT_TIMESTAMP");
  EXPECT_THAT(requests[3].body, HasSubstr("\"Timestamp\":1767225600.007}"));
}

TEST_F(KinesisTest, GetRecordsDecodesRecords) {
  const std::string binary("\x00\x01\xfe\xff", 4);
  TestHttpServer server({CannedResponse::Json(
      200,
      absl::StrCat(
          R"({"Records":[{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898",)"
          R"("ApproximateArrivalTimestamp":1.767225600123E9,"Data":")",
          Base64Encode(binary),
          R"(","PartitionKey":"0xabc"},)"
          R"({"SequenceNumber":"2","ApproximateArrivalTimestamp":1767225601,)"
          R"("Data":"eyJ0eXBlIjoidHJhZGUifQ==","PartitionKey":"k","EncryptionType":"KMS"}],)"
          R"("NextShardIterator":"next-it","MillisBehindLatest":1500})"))});
  KinesisClient kinesis = MakeKinesis(server);
  absl::StatusOr<GetRecordsResult> result = kinesis.GetRecords("it-1", 100);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->records.size(), 2u);
  EXPECT_EQ(result->records[0].data, binary);
  EXPECT_EQ(result->records[0].sequence_number,
            "49590338271490256608559692538361571095921575989136588898");
  EXPECT_EQ(result->records[0].partition_key, "0xabc");
  EXPECT_EQ(result->records[0].approximate_arrival_ms, 1767225600123);
  EXPECT_EQ(result->records[1].data, "{\"type\":\"trade\"}");
  EXPECT_EQ(result->records[1].approximate_arrival_ms, 1767225601000);
  EXPECT_EQ(result->next_shard_iterator, "next-it");
  EXPECT_EQ(result->millis_behind_latest, 1500);
  EXPECT_TRUE(result->child_shards.empty());
  EXPECT_EQ(BodyOf(server.requests()[0]),
            (nlohmann::json{{"ShardIterator", "it-1"}, {"Limit", 100}}));
}

TEST_F(KinesisTest, GetRecordsAtTheEndOfAClosedShard) {
  TestHttpServer server({CannedResponse::Json(
      200, R"({"Records":[],"NextShardIterator":null,"MillisBehindLatest":0,"ChildShards":[
        {"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000000","shardId-000000000001"],
         "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"1"}}]})")});
  KinesisClient kinesis = MakeKinesis(server);
  absl::StatusOr<GetRecordsResult> result = kinesis.GetRecords("it");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->records.empty());
  EXPECT_FALSE(result->next_shard_iterator.has_value());
  ASSERT_EQ(result->child_shards.size(), 1u);
  EXPECT_EQ(result->child_shards[0].shard_id, "shardId-000000000002");
  EXPECT_THAT(result->child_shards[0].parent_shards,
              ElementsAre("shardId-000000000000", "shardId-000000000001"));
}

TEST_F(KinesisTest, GetRecordsErrors) {
  TestHttpServer server({
      CannedResponse::Json(200, R"({"Records":[{"SequenceNumber":"1","Data":"not base64!"}]})"),
      CannedResponse::Json(400,
                           R"({"__type":"ExpiredIteratorException","message":"Iterator expired"})"),
  });
  KinesisClient kinesis = MakeKinesis(server);
  EXPECT_EQ(kinesis.GetRecords("it").status().code(), absl::StatusCode::kInternal);
  absl::StatusOr<GetRecordsResult> expired = kinesis.GetRecords("it");
  EXPECT_EQ(AwsErrorType(expired.status()), "ExpiredIteratorException");
  EXPECT_EQ(kinesis.GetRecords("it", 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kinesis.GetRecords("it", 10001).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server.requests().size(), 2u);
}

}  // namespace
}  // namespace coattail::aws
