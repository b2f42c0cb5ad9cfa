// Alerts: what one is, where it goes, and the large-trade rule that raises it. The engine applies
// the rule to every trade it scores; a speed layer that reads scores from a store and trades from a
// stream applies the same functions, so both raise the same alert with the same id and reason.
#ifndef COATTAIL_ENGINE_ALERTS_H_
#define COATTAIL_ENGINE_ALERTS_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "coattail/engine/engine_config.h"
#include "coattail/engine/types.h"

namespace coattail::engine {

// An alert: a proven wallet made a big move.
struct Alert {
  std::string alert_id;  // hex fingerprint of (chain, tx_hash, log_index, rule)
  std::string rule;
  std::string chain;
  std::string tx_hash;
  int64_t log_index = 0;
  int64_t line = 0;
  std::string wallet;
  std::string token;
  std::string side;
  double usd_value = 0;
  int64_t event_time_ms = 0;
  int64_t horizon_ms = 0;
  double score = 0;  // shrunk alpha per trade at the primary horizon
  double t_stat = 0;
  double q_value = 1;
  double n = 0;  // effective number of resolved evaluations
  double hit_rate = 0;
  double hit_rate_lower = 0;
  std::string reason;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(const Alert& alert) = 0;
  // The trade behind an alert was retracted by a chain reorganisation.
  virtual void OnAlertRetracted(std::string_view alert_id, int64_t line) = 0;
};

inline constexpr std::string_view kRuleLargeTrade = "smart_money_large_trade";

// The large-trade rule: a trade of at least `min_usd` by a wallet whose primary-horizon snapshot
// passes the smart-money gate, at most `rate_limit` alerts per wallet per `rate_window_ms`.
struct AlertRule {
  double min_usd = 0;
  int64_t rate_limit = 0;
  int64_t rate_window_ms = 0;
  // The gate's thresholds, quoted in the reason.
  double q_threshold = 0;
  double min_resolved = 0;

  static AlertRule FromConfig(const EngineConfig& config);
};

// The alert id of `rule` on the trade with idempotency key `trade_key`: a replay of the same trade
// gets the same id, in every run and on every machine, so stores can write it idempotently.
Key128 AlertId(const Key128& trade_key, std::string_view rule);

// The per-wallet rate limit. `recent` holds the event times of the wallet's alerts still inside
// the window; times that left it are dropped. True, and `now_ms` recorded, when one more fits.
bool AdmitUnderRateLimit(std::deque<int64_t>& recent, int64_t now_ms, const AlertRule& rule);

// The human reason of a large-trade alert, from the alert's own figures and the rule.
std::string LargeTradeReason(const Alert& alert, const AlertRule& rule);

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_ALERTS_H_
