// Writes the engine's alerts and wallet scores to DynamoDB (the tables of
// infra/modules/alerts-store) with BatchWriteItem, resending unprocessed items. Item keys come
// from the alert id and the wallet, so a replay after a crash rewrites identical items.
#ifndef COATTAIL_STREAM_DYNAMODB_SINK_H_
#define COATTAIL_STREAM_DYNAMODB_SINK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/engine/engine.h"

namespace coattail::stream {

struct DynamoDbSinkOptions {
  std::string alerts_table;
  std::string scores_table;  // empty: scores are not written
  // Alerts expire (DynamoDB TTL on expires_at) this long after their event time. From the event
  // time, not the wall clock, so that a replay writes the same item.
  int64_t alert_ttl_days = 90;
};

// The alerts table item: hash key wallet, range key alert_key = 13-digit event time ms + "#" +
// alert id (newest last), "day" (YYYY-MM-DD, UTC) for the by_day index, expires_at (epoch
// seconds) for TTL. Numbers that are not finite are left out (DynamoDB has no NaN).
aws::Item AlertItem(const engine::Alert& alert, bool retracted, int64_t ttl_days);

// The whale-scores table item: hash key wallet, range key horizon_ms. Smart-money rows also carry
// board = "smart#<horizon_ms>", the hash key of the sparse leaderboard index.
aws::Item ScoreItem(const engine::WalletScoreRow& row);

class DynamoDbSink {
 public:
  DynamoDbSink(aws::DynamoDbClient* client, DynamoDbSinkOptions options)
      : client_(client), options_(std::move(options)) {}

  // New alerts, and alerts whose trade a reorganisation retracted (rewritten with retracted =
  // true, so readers can tell a withdrawn alert from one never raised).
  absl::Status WriteAlerts(const std::vector<engine::Alert>& alerts,
                           const std::vector<engine::Alert>& retracted);
  absl::Status WriteScores(const std::vector<engine::WalletScoreRow>& rows);

  [[nodiscard]] int64_t alerts_written() const { return alerts_written_; }
  [[nodiscard]] int64_t scores_written() const { return scores_written_; }
  [[nodiscard]] const DynamoDbSinkOptions& options() const { return options_; }

 private:
  aws::DynamoDbClient* client_;
  DynamoDbSinkOptions options_;
  int64_t alerts_written_ = 0;
  int64_t scores_written_ = 0;
};

}  // namespace coattail::stream

#endif  // COATTAIL_STREAM_DYNAMODB_SINK_H_
