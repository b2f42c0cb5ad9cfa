// The speed layer's ScoreLookup on the whale-scores table (the items stream::ScoreItem writes:
// hash key wallet, range key horizon_ms): BatchGetItem for the wallets of a batch, with a short
// cache. Scores change once per scoring run, while a hot wallet trades many times a minute, so
// a standing is reused for `cache_ttl` (absent wallets too) before it is read again.
#ifndef COATTAIL_SPEED_DYNAMODB_SCORE_LOOKUP_H_
#define COATTAIL_SPEED_DYNAMODB_SCORE_LOOKUP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/speed/speed_layer.h"

namespace coattail::speed {

// The standing a whale-scores item holds. An item without its wallet or its smart_money flag is
// a DataLossError naming the wallet; figures left out (the writer omits non-finite numbers) keep
// Standing's defaults.
absl::StatusOr<Standing> StandingFromItem(const aws::Item& item);

class DynamoDbScoreLookup : public ScoreLookup {
 public:
  DynamoDbScoreLookup(
      aws::DynamoDbClient* client, std::string table, absl::Duration cache_ttl = absl::Seconds(60),
      std::function<absl::Time()> now = [] { return absl::Now(); })
      : client_(client), table_(std::move(table)), cache_ttl_(cache_ttl), now_(std::move(now)) {}

  absl::StatusOr<Standings> Find(const std::vector<std::string>& wallets,
                                 int64_t horizon_ms) override;

  int64_t keys_read() const { return keys_read_; }
  int64_t cache_hits() const { return cache_hits_; }

 private:
  struct Cached {
    std::optional<Standing> standing;  // nullopt: the wallet has no score
    absl::Time read_at;
  };

  aws::DynamoDbClient* client_;
  std::string table_;
  absl::Duration cache_ttl_;
  std::function<absl::Time()> now_;
  // (wallet, horizon_ms) -> what the table held when last read.
  absl::flat_hash_map<std::pair<std::string, int64_t>, Cached> cache_;
  int64_t keys_read_ = 0;
  int64_t cache_hits_ = 0;
};

}  // namespace coattail::speed

#endif  // COATTAIL_SPEED_DYNAMODB_SCORE_LOOKUP_H_
