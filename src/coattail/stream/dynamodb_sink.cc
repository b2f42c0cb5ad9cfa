#include "coattail/stream/dynamodb_sink.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "coattail/base/status_macros.h"

namespace coattail::stream {
namespace {

void PutNumber(aws::Item& item, const char* name, double v) {
  if (std::isfinite(v)) item.emplace(name, aws::AttributeValue::N(v));
}

}  // namespace

aws::Item AlertItem(const engine::Alert& a, bool retracted, int64_t ttl_days) {
  using aws::AttributeValue;
  aws::Item item;
  item.emplace("wallet", AttributeValue::S(a.wallet));
  item.emplace("alert_key",
               AttributeValue::S(absl::StrFormat("%013d#%s", a.event_time_ms, a.alert_id)));
  item.emplace("day", AttributeValue::S(absl::FormatTime(
                          "%Y-%m-%d", absl::FromUnixMillis(a.event_time_ms), absl::UTCTimeZone())));
  const int64_t event_seconds = a.event_time_ms / 1000;
  item.emplace("expires_at", AttributeValue::N(event_seconds + ttl_days * 86'400));
  item.emplace("alert_id", AttributeValue::S(a.alert_id));
  item.emplace("rule", AttributeValue::S(a.rule));
  item.emplace("chain", AttributeValue::S(a.chain));
  item.emplace("tx_hash", AttributeValue::S(a.tx_hash));
  item.emplace("log_index", AttributeValue::N(a.log_index));
  item.emplace("token", AttributeValue::S(a.token));
  item.emplace("side", AttributeValue::S(a.side));
  PutNumber(item, "usd_value", a.usd_value);
  item.emplace("event_time_ms", AttributeValue::N(a.event_time_ms));
  item.emplace("horizon_ms", AttributeValue::N(a.horizon_ms));
  PutNumber(item, "shrunk_alpha", a.score);
  PutNumber(item, "t_stat", a.t_stat);
  PutNumber(item, "q_value", a.q_value);
  PutNumber(item, "effective_n", a.n);
  PutNumber(item, "hit_rate", a.hit_rate);
  PutNumber(item, "hit_rate_lower", a.hit_rate_lower);
  item.emplace("reason", AttributeValue::S(a.reason));
  item.emplace("retracted", AttributeValue::Bool(retracted));
  return item;
}

aws::Item ScoreItem(const engine::WalletScoreRow& r) {
  using aws::AttributeValue;
  aws::Item item;
  item.emplace("wallet", AttributeValue::S(r.wallet));
  item.emplace("horizon_ms", AttributeValue::N(r.horizon_ms));
  item.emplace("tier", AttributeValue::S(r.tier));
  PutNumber(item, "effective_n", r.effective_n);
  PutNumber(item, "mean_return", r.mean_return);
  PutNumber(item, "std_error", r.std_error);
  PutNumber(item, "shrunk_alpha", r.shrunk_alpha);
  PutNumber(item, "t_stat", r.t_stat);
  PutNumber(item, "p_value", r.p_value);
  PutNumber(item, "q_value", r.q_value);
  PutNumber(item, "hit_rate", r.hit_rate);
  PutNumber(item, "hit_rate_lower", r.hit_rate_lower);
  item.emplace("eligible", AttributeValue::Bool(r.eligible));
  item.emplace("smart_money", AttributeValue::Bool(r.smart_money));
  item.emplace("bot_like", AttributeValue::Bool(r.bot_like));
  item.emplace("exchange_like", AttributeValue::Bool(r.exchange_like));
  item.emplace("wash_like", AttributeValue::Bool(r.wash_like));
  PutNumber(item, "realized_pnl_usd", r.realized_pnl_usd);
  PutNumber(item, "unrealized_pnl_usd", r.unrealized_pnl_usd);
  PutNumber(item, "volume_usd", r.volume_usd);
  item.emplace("trade_count", AttributeValue::N(r.trade_count));
  item.emplace("as_of_ms", AttributeValue::N(r.as_of_ms));
  if (r.smart_money && std::isfinite(r.shrunk_alpha)) {
    item.emplace("board", AttributeValue::S(absl::StrCat("smart#", r.horizon_ms)));
  }
  return item;
}

absl::Status DynamoDbSink::WriteAlerts(const std::vector<engine::Alert>& alerts,
                                       const std::vector<engine::Alert>& retracted) {
  std::vector<aws::Item> items;
  items.reserve(alerts.size() + retracted.size());
  // One item per key: BatchWriteItem rejects a call that names a key twice, so an alert raised
  // and retracted between two commits is written once, as retracted.
  absl::flat_hash_set<std::string_view> retracted_ids;
  for (const engine::Alert& a : retracted) retracted_ids.insert(a.alert_id);
  absl::flat_hash_set<std::string_view> new_ids;
  for (const engine::Alert& a : alerts) {
    new_ids.insert(a.alert_id);
    items.push_back(AlertItem(a, retracted_ids.contains(a.alert_id), options_.alert_ttl_days));
  }
  for (const engine::Alert& a : retracted) {
    if (!new_ids.contains(a.alert_id)) items.push_back(AlertItem(a, true, options_.alert_ttl_days));
  }
  if (items.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(client_->BatchPutAll(options_.alerts_table, items));
  alerts_written_ += static_cast<int64_t>(items.size());
  return absl::OkStatus();
}

absl::Status DynamoDbSink::WriteScores(const std::vector<engine::WalletScoreRow>& rows) {
  if (options_.scores_table.empty() || rows.empty()) return absl::OkStatus();
  std::vector<aws::Item> items;
  items.reserve(rows.size());
  for (const engine::WalletScoreRow& r : rows) items.push_back(ScoreItem(r));
  RETURN_IF_ERROR(client_->BatchPutAll(options_.scores_table, items));
  scores_written_ += static_cast<int64_t>(items.size());
  return absl::OkStatus();
}

}  // namespace coattail::stream
