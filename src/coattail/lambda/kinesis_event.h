// The event Lambda's Kinesis event source mapping delivers: a batch of stream records, each with
// its data base64-encoded. A record whose data does not decode is kept, with the reason, so that
// the handler can dead-letter it and go on; only a document that is not a Kinesis event at all
// fails the whole invocation.
#ifndef COATTAIL_LAMBDA_KINESIS_EVENT_H_
#define COATTAIL_LAMBDA_KINESIS_EVENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::lambda {

struct KinesisRecord {
  std::string event_id;  // "shardId-000000000006:4959...": the shard and the sequence number
  std::string shard_id;  // the part of event_id before ':'
  std::string sequence_number;
  std::string partition_key;
  int64_t arrival_ms = 0;    // approximateArrivalTimestamp (seconds, fractional) in milliseconds
  std::string data;          // decoded bytes
  absl::Status data_status;  // not OK when `data` could not be decoded; `data` is then empty
};

// Parses the event document. InvalidArgumentError when it is not JSON, has no "Records" array, or
// a record lacks its "kinesis" object, sequence number or data.
absl::StatusOr<std::vector<KinesisRecord>> ParseKinesisEvent(std::string_view json);

}  // namespace coattail::lambda

#endif  // COATTAIL_LAMBDA_KINESIS_EVENT_H_
