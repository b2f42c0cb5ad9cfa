// The producer and the Kinesis source against moto (the local AWS emulator): what goes in comes
// out once, bad lines land on the dead-letter stream with their reasons, and a source resumed from
// its positions continues exactly where it stopped.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/aws/kinesis.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/moto_fixture.h"
#include "coattail/event/parser.h"
#include "coattail/stream/kinesis_source.h"
#include "coattail/stream/producer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace coattail::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SplitRecordTest, SplitsOnNewlinesAndSkipsEmptyPieces) {
  EXPECT_THAT(SplitRecord("a\nbb\n\nc"), ElementsAre("a", "bb", "c"));
  EXPECT_THAT(SplitRecord("a\n"), ElementsAre("a"));
  EXPECT_TRUE(SplitRecord("").empty());
}

TEST(EventTimeHintTest, ReadsBlockTimeOrTime) {
  EXPECT_EQ(EventTimeHint(R"({"type":"trade","block_time":1767225600123,"x":1})"), 1767225600123);
  EXPECT_EQ(EventTimeHint(R"({"type":"price","token":"ETH","time": 42,"price_usd":1})"), 42);
  EXPECT_EQ(EventTimeHint(R"({"type":"price"})"), INT64_MIN);
  EXPECT_EQ(EventTimeHint(R"({"time":"soon"})"), INT64_MIN);
}

std::string Hex(uint64_t v, int digits) { return absl::StrFormat("%0*x", digits, v); }

std::string TradeLine(int i, int64_t t) {
  return absl::StrCat(R"({"type":"trade","chain":"ethereum","block_number":)", 19'000'000 + i,
                      R"(,"block_time":)", t, R"(,"tx_hash":"0x)",
                      Hex(static_cast<uint64_t>(i), 64), R"(","log_index":0,"wallet":"0x)",
                      Hex(static_cast<uint64_t>(i % 37), 40),
                      R"(","token":"PEPE","side":"buy","amount":2,"price_usd":0.5,"usd_value":1})");
}

std::string PriceLine(int64_t t) {
  return absl::StrCat(R"({"type":"price","token":"ETH","time":)", t, R"(,"price_usd":2000})");
}

// Lines kept with the padding the parser needs behind each one.
class PaddedLines {
 public:
  void Add(std::string text) {
    text.append(event::kParsePadding, '\0');
    storage_.push_back(std::move(text));
  }
  io::Line At(size_t i) const {
    io::Line line;
    line.text = std::string_view(storage_[i]).substr(0, storage_[i].size() - event::kParsePadding);
    line.number = static_cast<int64_t>(i) + 1;
    return line;
  }
  size_t size() const { return storage_.size(); }

 private:
  std::vector<std::string> storage_;
};

class KinesisRoundTripTest : public aws::testing::MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto kinesis = aws::testing::MakeKinesisFor(server().endpoint(), "us-west-2",
                                                aws::testing::EmulatorClientOptions());
    ASSERT_TRUE(kinesis.ok()) << kinesis.status();
    kinesis_ = std::make_unique<aws::KinesisClient>(*std::move(kinesis));
  }

  void CreateStream(const std::string& name, int shards) {
    ASSERT_TRUE(
        kinesis_->client()
            .Call("Kinesis_20131202.CreateStream",
                  absl::StrCat(R"({"StreamName":")", name, R"(","ShardCount":)", shards, "}"))
            .ok());
  }

  // Every record of every shard of `stream`, oldest first per shard.
  std::vector<std::string> ReadAll(const std::string& stream) {
    std::vector<std::string> out;
    auto shards = kinesis_->ListShards(stream);
    EXPECT_TRUE(shards.ok());
    for (const aws::Shard& shard : *shards) {
      auto iterator = kinesis_->GetShardIterator(stream, shard.shard_id,
                                                 aws::ShardIteratorStart::TrimHorizon());
      EXPECT_TRUE(iterator.ok());
      std::string it = *iterator;
      while (true) {
        auto page = kinesis_->GetRecords(it);
        EXPECT_TRUE(page.ok());
        if (!page.ok() || page->records.empty() || !page->next_shard_iterator) break;
        for (auto& r : page->records) out.push_back(r.data);
        it = *page->next_shard_iterator;
      }
    }
    return out;
  }

  std::unique_ptr<aws::KinesisClient> kinesis_;
};

TEST_F(KinesisRoundTripTest, ProducerPacksEventsPerShardAndDeadLettersBadLines) {
  CreateStream("rt-trades", 4);
  CreateStream("rt-dead", 1);
  PaddedLines lines;
  std::set<std::string> good;
  const int64_t t0 = 1'767'225'600'000;
  for (int i = 0; i < 600; ++i) {
    std::string line = i % 3 == 0 ? PriceLine(t0 + i * 1000) : TradeLine(i, t0 + i * 1000);
    good.insert(line);
    lines.Add(line);
  }
  lines.Add(R"({"type":"trade","chain":"ethereum"})");  // line 601: missing fields
  lines.Add("not json");                                // line 602
  lines.Add(R"({"type":"price","token":"ETH","time":1767225600000,"price_usd":-1})");  // 603

  ProducerOptions options;
  options.stream = "rt-trades";
  options.dead_letter_stream = "rt-dead";
  options.record_bytes = 4096;
  options.linger = std::chrono::hours(1);
  auto producer = Producer::Create(kinesis_.get(), options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (size_t i = 0; i < lines.size(); ++i) ASSERT_TRUE((*producer)->Add(lines.At(i)).ok());
  ASSERT_TRUE((*producer)->Flush().ok());

  const ProducerStats stats = (*producer)->stats();
  EXPECT_EQ(stats.lines, 603);
  EXPECT_EQ(stats.events_sent, 600);
  EXPECT_EQ(stats.dead_lettered, 3);
  EXPECT_EQ(stats.dead_letter_records, 3);
  EXPECT_GT(stats.events_sent, stats.records_sent * 10);  // packed: ~4 KB records of ~250 B events
  EXPECT_EQ(stats.entries_resent, 0);

  // Every good line exactly once; every record holds events of one shard's keys only.
  std::multiset<std::string> received;
  const std::vector<std::string> records = ReadAll("rt-trades");
  EXPECT_EQ(static_cast<int64_t>(records.size()), stats.records_sent);
  for (const std::string& record : records) {
    EXPECT_LE(record.size(), 4096u);
    for (std::string_view e : SplitRecord(record)) received.insert(std::string(e));
  }
  EXPECT_EQ(received.size(), 600u);
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()), good);

  std::map<int64_t, std::string> reasons;
  simdjson::dom::parser parser;
  for (const std::string& record : ReadAll("rt-dead")) {
    simdjson::dom::element doc = parser.parse(record);
    reasons[int64_t(doc["line"])] = std::string(std::string_view(doc["reason"]));
  }
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_THAT(reasons[601], HasSubstr("missing"));
  EXPECT_FALSE(reasons[602].empty());
  EXPECT_THAT(reasons[603], HasSubstr("price_usd"));
}

TEST_F(KinesisRoundTripTest, SourceMergesShardsByTimeAndResumesWithoutLossOrDoubles) {
  CreateStream("rs-trades", 3);
  CreateStream("rs-dead", 1);
  PaddedLines lines;
  const int64_t t0 = 1'767'225'600'000;
  for (int i = 0; i < 900; ++i) lines.Add(TradeLine(i, t0 + i * 1000));
  ProducerOptions options;
  options.stream = "rs-trades";
  options.dead_letter_stream = "rs-dead";
  options.record_bytes = 2048;
  auto producer = Producer::Create(kinesis_.get(), options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (size_t i = 0; i < lines.size(); ++i) ASSERT_TRUE((*producer)->Add(lines.At(i)).ok());
  ASSERT_TRUE((*producer)->Flush().ok());

  KinesisSourceOptions source_options;
  source_options.stream = "rs-trades";
  source_options.records_per_call = 3;  // several polls per shard, so merging must wait for them
  source_options.poll_interval = std::chrono::milliseconds(1);
  source_options.idle_exit = std::chrono::milliseconds(300);
  std::vector<std::string> seen;
  std::vector<store::ShardPosition> positions;
  {
    auto source = KinesisSource::Create(kinesis_.get(), source_options, {});
    ASSERT_TRUE(source.ok()) << source.status();
    std::string_view event;
    for (int i = 0; i < 451 && (*source)->Next(event); ++i) {
      // The parser reads up to kParsePadding bytes past an event: under ASan this read fails the
      // test if those bytes are not part of the record's buffer.
      const volatile char last = event.data()[event.size() + event::kParsePadding - 1];
      static_cast<void>(last);
      seen.emplace_back(event);
    }
    ASSERT_EQ(seen.size(), 451u);
    positions = (*source)->Positions();
    ASSERT_EQ(positions.size(), 3u);
  }
  {
    auto source = KinesisSource::Create(kinesis_.get(), source_options, positions);
    ASSERT_TRUE(source.ok()) << source.status();
    std::string_view event;
    while ((*source)->Next(event)) seen.emplace_back(event);
    ASSERT_TRUE((*source)->status().ok()) << (*source)->status();
    EXPECT_FALSE((*source)->stopped());
  }
  ASSERT_EQ(seen.size(), 900u);
  // Exactly the input, in event-time order: the times are distinct and every shard was polled
  // before an event was handed out, so the merge reproduces the global order.
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], TradeLine(static_cast<int>(i), t0 + static_cast<int64_t>(i) * 1000));
  }
}

TEST_F(KinesisRoundTripTest, QuietStreamCallsBackWhileWaitingAndAnErrorThereEndsTheRun) {
  // The runner takes due checkpoints in this callback, so alerts are not held back while no
  // record arrives.
  CreateStream("quiet-trades", 1);
  KinesisSourceOptions options;
  options.stream = "quiet-trades";
  options.poll_interval = std::chrono::milliseconds(20);
  options.idle_exit = std::chrono::milliseconds(400);
  int calls = 0;
  options.while_waiting = [&calls] {
    ++calls;
    return absl::OkStatus();
  };
  {
    auto source = KinesisSource::Create(kinesis_.get(), options, {});
    ASSERT_TRUE(source.ok()) << source.status();
    std::string_view event;
    EXPECT_FALSE((*source)->Next(event));
    EXPECT_TRUE((*source)->status().ok()) << (*source)->status();
  }
  // Before each pause of the 400 ms wait (pauses are at most 100 ms).
  EXPECT_GE(calls, 3);

  options.while_waiting = [] { return absl::UnavailableError("store is gone"); };
  auto source = KinesisSource::Create(kinesis_.get(), options, {});
  ASSERT_TRUE(source.ok()) << source.status();
  std::string_view event;
  EXPECT_FALSE((*source)->Next(event));
  EXPECT_EQ((*source)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string((*source)->status().message()), HasSubstr("store is gone"));
}

TEST_F(KinesisRoundTripTest, ProducerNeedsTheStreamsToExist) {
  ProducerOptions options;
  options.stream = "no-such-stream";
  options.dead_letter_stream = "rt-dead";
  auto producer = Producer::Create(kinesis_.get(), options);
  ASSERT_FALSE(producer.ok());
  EXPECT_EQ(aws::AwsErrorType(producer.status()), "ResourceNotFoundException");
  options.dead_letter_stream = "";
  EXPECT_EQ(Producer::Create(kinesis_.get(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace coattail::stream
