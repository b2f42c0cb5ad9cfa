// `coattail produce`: validates NDJSON events and writes them to the trades stream, packing the
// events bound for one shard into newline-framed records (partition key = the wallet for a trade,
// the token for a price), in PutRecords calls that fit the per-call limits. Lines that are not
// valid events, and records Kinesis keeps rejecting, go to the dead-letter stream with their
// reason, so nothing is dropped silently.
#ifndef COATTAIL_STREAM_PRODUCER_H_
#define COATTAIL_STREAM_PRODUCER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/aws/kinesis.h"
#include "coattail/event/parser.h"
#include "coattail/io/line_reader.h"
#include "coattail/stream/shard_router.h"

namespace coattail::stream {

struct ProducerOptions {
  std::string stream;              // trades stream (name or ARN)
  std::string dead_letter_stream;  // required: rejected lines must go somewhere
  // Target size of one framed record. A shard takes 1 MB/s or 1,000 records/s: records of a few
  // KB and up make the byte limit the one that binds, so the record limit is never the bottleneck.
  size_t record_bytes = size_t{32} * 1024;
  // A partly filled record is sent once its oldest event has waited this long (checked as lines
  // arrive), so a slow live feed is not held back; a file is sent in full records.
  std::chrono::milliseconds linger{500};
  aws::PutRecordsBatcher::Options batcher;
  event::ParserOptions parser;
};

struct ProducerStats {
  int64_t lines = 0;           // input lines seen
  int64_t events_sent = 0;     // events in records Kinesis accepted
  int64_t records_sent = 0;    // records Kinesis accepted (trades stream)
  int64_t calls = 0;           // PutRecords calls on the trades stream
  int64_t entries_resent = 0;  // records sent again after a per-record rejection
  int64_t dead_lettered = 0;   // input lines written to the dead-letter stream
  int64_t dead_letter_records = 0;
  std::map<std::string, int64_t> dead_letter_reasons;
};

class Producer {
 public:
  static absl::StatusOr<std::unique_ptr<Producer>> Create(aws::KinesisClient* kinesis,
                                                          ProducerOptions options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // One input line (from io::LineReader: padded for the parser). Errors are about Kinesis, not
  // the line: a bad line is dead-lettered and counted.
  absl::Status Add(const io::Line& line);
  // Sends everything buffered; call at the end of input.
  absl::Status Flush();

  // Counters so far; events_sent counts records still queued in the batcher until Flush.
  [[nodiscard]] ProducerStats stats() const;

 private:
  struct ShardBuffer {
    std::string data;           // newline-terminated events
    std::string partition_key;  // of the first event: it routes the record to this shard
    int64_t events = 0;
    std::chrono::steady_clock::time_point oldest;
  };
  Producer(aws::KinesisClient* kinesis, ProducerOptions options, ShardRouter router);
  absl::Status DeadLetter(int64_t line, std::string_view reason, std::string_view raw);
  absl::Status EmitShard(size_t shard);
  absl::Status EmitAll();
  absl::Status FlushBatchers();
  absl::Status DeadLetterRejected(const absl::Status& why);

  aws::KinesisClient* kinesis_;
  ProducerOptions options_;
  ShardRouter router_;
  event::EventParser parser_;
  aws::PutRecordsBatcher trades_;
  aws::PutRecordsBatcher dead_letters_;
  std::vector<ShardBuffer> buffers_;
  size_t buffered_events_ = 0;
  int64_t events_emitted_ = 0;   // events handed to trades_ in records
  int64_t events_rejected_ = 0;  // of those, events of records Kinesis would not take
  ProducerStats stats_;
  std::string scratch_;
  std::string key_;
};

// Splits a record of newline-framed events into its events (without the newlines; empty pieces
// are skipped). The views point into `record`.
std::vector<std::string_view> SplitRecord(std::string_view record);

}  // namespace coattail::stream

#endif  // COATTAIL_STREAM_PRODUCER_H_
