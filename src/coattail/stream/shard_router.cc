#include "coattail/stream/shard_router.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "coattail/base/status_macros.h"

namespace coattail::stream {

Uint128 PartitionKeyHash(std::string_view partition_key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  // MD5 is what Kinesis uses to place keys; it is a routing function here, not a security one.
  EVP_Digest(partition_key.data(), partition_key.size(), digest.data(), &size, EVP_md5(), nullptr);
  Uint128 value = 0;
  for (unsigned int i = 0; i < 16 && i < size; ++i) value = (value << 8) | digest[i];
  return value;
}

absl::StatusOr<Uint128> ParseHashKey(std::string_view decimal) {
  constexpr Uint128 kMax = ~Uint128{0};
  if (decimal.empty() || decimal.size() > 39) {
    return absl::InvalidArgumentError(absl::StrCat("bad hash key '", std::string(decimal), "'"));
  }
  Uint128 value = 0;
  for (const char c : decimal) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat("bad hash key '", std::string(decimal), "'"));
    }
    const auto digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) {
      return absl::InvalidArgumentError(
          absl::StrCat("hash key out of range '", std::string(decimal), "'"));
    }
    value = value * 10 + digit;
  }
  return value;
}

absl::StatusOr<ShardRouter> ShardRouter::Create(const std::vector<aws::Shard>& shards) {
  std::vector<Range> ranges;
  for (const aws::Shard& shard : shards) {
    if (!shard.is_open()) continue;
    ASSIGN_OR_RETURN(const Uint128 start, ParseHashKey(shard.starting_hash_key));
    ASSIGN_OR_RETURN(const Uint128 end, ParseHashKey(shard.ending_hash_key));
    if (end < start) {
      return absl::InvalidArgumentError(
          absl::StrCat("shard ", shard.shard_id, " has an empty range"));
    }
    ranges.push_back(Range{start, end, shard.shard_id});
  }
  if (ranges.empty()) return absl::FailedPreconditionError("the stream has no open shard");
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.start < b.start; });
  if (ranges.front().start != 0 || ranges.back().end != ~Uint128{0}) {
    return absl::InvalidArgumentError("the open shards do not cover the whole hash key space");
  }
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].start != ranges[i - 1].end + 1) {
      return absl::InvalidArgumentError(absl::StrCat("open shards ", ranges[i - 1].shard_id,
                                                     " and ", ranges[i].shard_id,
                                                     " overlap or leave a gap"));
    }
  }
  return ShardRouter(std::move(ranges));
}

size_t ShardRouter::ShardFor(std::string_view partition_key) const {
  const Uint128 hash = PartitionKeyHash(partition_key);
  // The last range starting at or before the hash holds it: the ranges are contiguous.
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), hash,
                             [](Uint128 h, const Range& r) { return h < r.start; });
  return static_cast<size_t>(it - ranges_.begin()) - 1;
}

}  // namespace coattail::stream
