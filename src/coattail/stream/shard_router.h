// Maps a partition key to the open shard Kinesis will store it in: MD5 of the key as a 128-bit
// big-endian integer, looked up in the shards' hash key ranges. The producer uses it to pack the
// events of many partition keys that share a shard into one record.
#ifndef COATTAIL_STREAM_SHARD_ROUTER_H_
#define COATTAIL_STREAM_SHARD_ROUTER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "coattail/aws/kinesis.h"

namespace coattail::stream {

__extension__ using Uint128 = unsigned __int128;

// The 128-bit hash key Kinesis derives from a partition key.
Uint128 PartitionKeyHash(std::string_view partition_key);

// Parses a decimal hash key ("0" .. "340282366920938463463374607431768211455").
absl::StatusOr<Uint128> ParseHashKey(std::string_view decimal);

class ShardRouter {
 public:
  // Uses the open shards of `shards`; InvalidArgument when they do not cover the whole key space
  // exactly once (a stream mid-reshard answers with both parents and children: only the open
  // children are used).
  static absl::StatusOr<ShardRouter> Create(const std::vector<aws::Shard>& shards);

  [[nodiscard]] size_t shard_count() const { return ranges_.size(); }
  // Index in [0, shard_count()) of the shard holding `partition_key`.
  [[nodiscard]] size_t ShardFor(std::string_view partition_key) const;
  [[nodiscard]] const std::string& shard_id(size_t index) const { return ranges_[index].shard_id; }

 private:
  struct Range {
    Uint128 start;
    Uint128 end;  // inclusive
    std::string shard_id;
  };
  explicit ShardRouter(std::vector<Range> ranges) : ranges_(std::move(ranges)) {}
  std::vector<Range> ranges_;  // sorted by start, contiguous
};

}  // namespace coattail::stream

#endif  // COATTAIL_STREAM_SHARD_ROUTER_H_
