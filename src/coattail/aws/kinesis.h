// Typed Kinesis Data Streams calls over AwsJsonClient: PutRecords (with a batcher that respects
// the per-call limits and resends only the entries Kinesis rejected), ListShards,
// GetShardIterator and GetRecords.
#ifndef COATTAIL_AWS_KINESIS_H_
#define COATTAIL_AWS_KINESIS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "coattail/aws/env.h"
#include "coattail/aws/http_client.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace coattail::aws {

// Streams are named by name or, when the string starts with "arn:", by ARN.

struct PutRecordsEntry {
  std::string_view data;                    // raw bytes; base64-encoded on the wire
  std::string_view partition_key;           // 1 to 256 characters of UTF-8
  std::string_view explicit_hash_key = {};  // optional decimal 128-bit hash key
};

struct PutRecordsLimits {
  size_t max_records = 500;
  // Data plus partition keys, before base64: the documented 5 MiB per call (newer streams
  // accept 10 MiB; 5 is safe everywhere).
  size_t max_request_bytes = size_t{5} << 20;
  // Data plus partition key of one record.
  size_t max_record_bytes = size_t{1} << 20;
};

// One entry of a PutRecords response, in request order. Kinesis answers HTTP 200 even when some
// entries failed: those carry an error code ("ProvisionedThroughputExceededException",
// "InternalFailure") and must be sent again by the caller.
struct PutRecordsResultEntry {
  std::string shard_id;
  std::string sequence_number;
  std::string error_code;  // empty on success
  std::string error_message;
  bool ok() const { return error_code.empty(); }
};

struct PutRecordsResult {
  int failed_record_count = 0;
  std::vector<PutRecordsResultEntry> records;
};

struct Shard {
  std::string shard_id;
  std::string parent_shard_id;           // empty for shards that have none
  std::string adjacent_parent_shard_id;  // set for shards created by a merge
  std::string starting_hash_key;
  std::string ending_hash_key;
  std::string starting_sequence_number;
  std::string ending_sequence_number;  // empty while the shard is open
  bool is_open() const { return ending_sequence_number.empty(); }
};

struct ShardIteratorStart {
  enum class Type { kTrimHorizon, kLatest, kAtSequenceNumber, kAfterSequenceNumber, kAtTimestamp };
  Type type = Type::kTrimHorizon;
  std::string sequence_number;  // for kAt/kAfterSequenceNumber
  int64_t timestamp_ms = 0;     // for kAtTimestamp, epoch milliseconds

  static ShardIteratorStart TrimHorizon() { return {}; }
  static ShardIteratorStart Latest() { return {Type::kLatest, {}, 0}; }
  static ShardIteratorStart AtSequenceNumber(std::string s) {
    return {Type::kAtSequenceNumber, std::move(s), 0};
  }
  static ShardIteratorStart AfterSequenceNumber(std::string s) {
    return {Type::kAfterSequenceNumber, std::move(s), 0};
  }
  static ShardIteratorStart AtTimestamp(int64_t ms) { return {Type::kAtTimestamp, {}, ms}; }
};

struct KinesisRecord {
  std::string data;  // base64-decoded
  std::string sequence_number;
  std::string partition_key;
  int64_t approximate_arrival_ms = 0;  // epoch milliseconds
};

struct ChildShard {
  std::string shard_id;
  std::vector<std::string> parent_shards;
};

struct GetRecordsResult {
  std::vector<KinesisRecord> records;
  // nullopt once a closed shard has been read to its end: continue with child_shards.
  std::optional<std::string> next_shard_iterator;
  int64_t millis_behind_latest = 0;
  std::vector<ChildShard> child_shards;
};

class KinesisClient {
 public:
  explicit KinesisClient(std::unique_ptr<AwsJsonClient> client);
  ~KinesisClient();
  KinesisClient(KinesisClient&&) noexcept;
  KinesisClient& operator=(KinesisClient&&) noexcept;
  static absl::StatusOr<KinesisClient> FromEnv(const Env& env, ClientOptions options = {});

  // One call. The entries must fit `limits` (InvalidArgument otherwise; see
  // PlanPutRecordsBatches and PutRecordsBatcher for splitting).
  absl::StatusOr<PutRecordsResult> PutRecords(std::string_view stream,
                                              absl::Span<const PutRecordsEntry> entries,
                                              const PutRecordsLimits& limits = {});

  // All shards, following NextToken. Includes closed shards (until their retention ends).
  absl::StatusOr<std::vector<Shard>> ListShards(std::string_view stream);

  absl::StatusOr<std::string> GetShardIterator(std::string_view stream, std::string_view shard_id,
                                               const ShardIteratorStart& start);

  // `limit` is 1..10000. An expired iterator (after 5 minutes) fails with AwsErrorType
  // "ExpiredIteratorException": get a new one AFTER_SEQUENCE_NUMBER the last record seen.
  absl::StatusOr<GetRecordsResult> GetRecords(std::string_view shard_iterator, int limit = 10000);

  AwsJsonClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsJsonClient> client_;
  // Reused across calls so its buffers are allocated once.
  std::unique_ptr<simdjson::dom::parser> parser_;
};

// Splits `entries` into consecutive batches that each fit `limits`; returns the end offset of
// every batch (the last one is entries.size()). InvalidArgument names the first entry that can
// never fit (too large, or a partition key that is empty or longer than 256 characters).
absl::StatusOr<std::vector<size_t>> PlanPutRecordsBatches(absl::Span<const PutRecordsEntry> entries,
                                                          const PutRecordsLimits& limits = {});

// Accumulates records and sends them in PutRecords calls that fit the limits, resending only
// the entries Kinesis rejects (with the client's backoff between rounds). Retried entries may
// land after later ones: Kinesis orders a shard by arrival, so consumers that need order must
// sort by their own keys. Not thread-safe.
class PutRecordsBatcher {
 public:
  struct Options {
    PutRecordsLimits limits;
    // Rounds of resending rejected entries per flush before giving up.
    int max_resend_rounds = 8;
  };
  struct Stats {
    int64_t records_sent = 0;    // accepted by Kinesis
    int64_t calls = 0;           // PutRecords calls made
    int64_t entries_resent = 0;  // entries sent again after a per-entry failure
  };

  PutRecordsBatcher(KinesisClient* kinesis, std::string stream, Options options);
  PutRecordsBatcher(KinesisClient* kinesis, std::string stream)
      : PutRecordsBatcher(kinesis, std::move(stream), Options()) {}

  // Buffers one record, first flushing the buffer if this record would not fit in the same
  // call. A record that can never fit is an InvalidArgument error and is not buffered; so is a
  // record whose preceding flush failed (its error is returned; Add it again later).
  absl::Status Add(std::string_view data, std::string_view partition_key);

  // Sends everything buffered. On error the entries not yet accepted stay buffered, so a later
  // Flush retries them; entries Kinesis accepted are never sent twice by the batcher.
  absl::Status Flush();

  // Removes and returns every buffered record as (data, partition key): after Flush gave up on
  // records Kinesis kept rejecting, the caller dead-letters them instead of losing them.
  std::vector<std::pair<std::string, std::string>> TakeBuffered();

  size_t buffered_records() const { return pending_.size(); }
  const Stats& stats() const { return stats_; }

 private:
  struct Pending {
    size_t offset;  // into buffer_: data, then partition key
    size_t data_size;
    size_t key_size;
  };
  PutRecordsEntry EntryOf(const Pending& p) const;

  KinesisClient* kinesis_;
  std::string stream_;
  Options options_;
  std::string buffer_;
  std::vector<Pending> pending_;
  size_t pending_bytes_ = 0;
  Stats stats_;
};

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_KINESIS_H_
