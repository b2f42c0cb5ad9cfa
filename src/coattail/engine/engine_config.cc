#include "coattail/engine/engine_config.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace coattail::engine {
namespace {

absl::Status Invalid(const std::string& what) { return absl::InvalidArgumentError(what); }

}  // namespace

absl::Status EngineConfig::Validate() const {
  if (benchmark.empty()) return Invalid("benchmark token must not be empty");
  if (horizons_ms.empty() || horizons_ms.size() > kMaxHorizons) {
    return Invalid(absl::StrCat("between 1 and ", kMaxHorizons, " horizons are supported"));
  }
  for (size_t i = 0; i < horizons_ms.size(); ++i) {
    if (horizons_ms[i] <= 0) return Invalid("horizons must be positive milliseconds");
    if (i > 0 && horizons_ms[i] <= horizons_ms[i - 1]) {
      return Invalid("horizons must be strictly increasing");
    }
  }
  if (primary_horizon < 0 || static_cast<size_t>(primary_horizon) >= horizons_ms.size()) {
    return Invalid("primary horizon index out of range");
  }
  if (lateness_ms < 0) return Invalid("lateness must be >= 0");
  if (dedup_window_ms < lateness_ms) return Invalid("dedup window must be >= lateness");
  if (!(half_life_ms >= 0) || std::isinf(half_life_ms)) return Invalid("half-life must be >= 0");
  if (!(beta_prior_strength >= 0)) return Invalid("beta prior strength must be >= 0");
  if (score_interval_ms <= 0) return Invalid("score interval must be positive");
  if (!(min_resolved >= 2)) return Invalid("min resolved must be >= 2");
  if (!(q_threshold > 0 && q_threshold < 1)) return Invalid("q threshold must be in (0, 1)");
  if (!(wilson_z > 0)) return Invalid("wilson z must be > 0");
  if (!(alert_min_usd > 0)) return Invalid("alert minimum USD must be > 0");
  if (alert_rate_limit < 1 || alert_rate_window_ms <= 0) return Invalid("alert rate limit invalid");
  if (!(tier_dolphin_usd < tier_whale_usd && tier_whale_usd < tier_leviathan_usd)) {
    return Invalid("tier bounds must increase");
  }
  return absl::OkStatus();
}

std::string EngineConfig::Fingerprint() const {
  return absl::StrCat("v1|bench=", benchmark, "|h=", absl::StrJoin(horizons_ms, ","),
                      "|p=", primary_horizon, "|late=", lateness_ms, "|dedup=", dedup_window_ms,
                      "|hl=", half_life_ms, "|bk=", beta_prior_strength, "|si=", score_interval_ms,
                      "|n=", min_resolved, "|q=", q_threshold, "|z=", wilson_z,
                      "|bot=", bot_roundtrip_share, "|wash=", wash_roundtrip_share, ",",
                      wash_window_ms, ",", wash_amount_tolerance, "|ex=", exchange_min_avg_usd, ",",
                      exchange_min_two_sided, "|fmt=", flag_min_trades, "|tiers=", tier_dolphin_usd,
                      ",", tier_whale_usd, ",", tier_leviathan_usd, "|alert=", alert_min_usd, ",",
                      alert_rate_limit, ",", alert_rate_window_ms);
}

}  // namespace coattail::engine
