#include "coattail/engine/alerts.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "coattail/base/byte_codec.h"
#include "coattail/base/format.h"
#include "coattail/engine/engine.h"
#include "coattail/engine/engine_internal.h"
#include "coattail/engine/hash.h"

namespace coattail::engine {

AlertRule AlertRule::FromConfig(const EngineConfig& config) {
  AlertRule rule;
  rule.min_usd = config.alert_min_usd;
  rule.rate_limit = config.alert_rate_limit;
  rule.rate_window_ms = config.alert_rate_window_ms;
  rule.q_threshold = config.q_threshold;
  rule.min_resolved = config.min_resolved;
  return rule;
}

Key128 AlertId(const Key128& trade_key, std::string_view rule) {
  std::string input;
  input.reserve(2 * sizeof(uint64_t) + rule.size());
  base::AppendU64(input, trade_key.hi);
  base::AppendU64(input, trade_key.lo);
  input.append(rule);
  return Fingerprint128(input, 0x616c657274ULL /* "alert" */);
}

bool AdmitUnderRateLimit(std::deque<int64_t>& recent, int64_t now_ms, const AlertRule& rule) {
  while (!recent.empty() && recent.front() <= now_ms - rule.rate_window_ms) recent.pop_front();
  if (recent.size() >= static_cast<size_t>(rule.rate_limit)) return false;
  recent.push_back(now_ms);
  return true;
}

std::string LargeTradeReason(const Alert& alert, const AlertRule& rule) {
  return absl::StrFormat(
      "smart money (alpha %+.3f%% per trade at %s, t=%.2f, q=%.2g <= %.2g, n=%.0f >= %.0f) %s %s "
      "of %s >= %s",
      alert.score * 100, base::FormatDuration(alert.horizon_ms), alert.t_stat, alert.q_value,
      rule.q_threshold, alert.n, rule.min_resolved, alert.side == "buy" ? "bought" : "sold",
      base::FormatUsd(alert.usd_value), alert.token, base::FormatUsd(rule.min_usd));
}

void Engine::MaybeAlert(const CompactEvent& e, internal::Wallet& w, internal::TradeEffect& effect) {
  internal::State& st = *state_;
  const auto primary = static_cast<size_t>(config_.primary_horizon);
  const internal::ScoreSnapshot& s = w.snap[primary];
  if (e.usd_value < alert_rule_.min_usd || !s.smart_money) return;
  const Key128 id = AlertId(e.key, kRuleLargeTrade);
  if (st.alert_ids.contains(id)) {
    ++st.counters.alerts_duplicate;
    return;
  }
  if (!AdmitUnderRateLimit(w.recent_alerts, e.time_ms, alert_rule_)) {
    ++st.counters.alerts_rate_limited;
    return;
  }
  st.alert_ids.emplace(id, false);
  effect.alerted = true;
  effect.alert_key = id;
  ++st.counters.alerts;
  if (alert_sink_ == nullptr) return;

  Alert a;
  a.alert_id = id.Hex();
  a.rule = std::string(kRuleLargeTrade);
  a.chain = st.chain_names[e.chain];
  a.tx_hash = HexWithPrefix(e.tx.data(), e.tx.size());
  a.log_index = e.log_index;
  a.line = e.line;
  a.wallet = HexWithPrefix(w.address.data(), w.address.size());
  a.token = st.tokens[e.token]->symbol;
  a.side = e.side > 0 ? "buy" : "sell";
  a.usd_value = e.usd_value;
  a.event_time_ms = e.time_ms;
  a.horizon_ms = config_.horizons_ms[primary];
  a.score = s.shrunk_alpha;
  a.t_stat = s.t_stat;
  a.q_value = s.q_value;
  a.n = s.effective_n;
  a.hit_rate = s.hit_rate;
  a.hit_rate_lower = s.hit_rate_lower;
  a.reason = LargeTradeReason(a, alert_rule_);
  alert_sink_->OnAlert(a);
}

}  // namespace coattail::engine
