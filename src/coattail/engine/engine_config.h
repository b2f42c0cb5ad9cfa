// Engine configuration: every threshold of the scoring, flags and alert rules (docs/SCORING.md).
#ifndef COATTAIL_ENGINE_ENGINE_CONFIG_H_
#define COATTAIL_ENGINE_ENGINE_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace coattail::engine {

inline constexpr int kMaxHorizons = 4;

struct EngineConfig {
  std::string benchmark = "ETH";
  std::vector<int64_t> horizons_ms = {3'600'000, 86'400'000};
  int primary_horizon = 0;               // index into horizons_ms used to rank and gate
  int64_t lateness_ms = 300'000;         // reorder window; older events are rejected as late
  int64_t dedup_window_ms = 86'400'000;  // how long trade keys are remembered for dedup/retraction
  double half_life_ms = 30.0 * 86'400'000;  // decay of return statistics; 0 = off
  double beta_prior_strength = 20;          // pseudo-observations pulling beta towards 1
  int64_t score_interval_ms = 3'600'000;    // event-time cadence of the smart-money snapshot
  double min_resolved = 30;                 // effective n needed to be eligible
  double q_threshold = 0.05;                // Benjamini-Hochberg level of the smart-money gate
  double wilson_z = 1.96;
  // Behaviour flags.
  double bot_roundtrip_share = 0.5;         // share of trades in same-block round trips
  double wash_roundtrip_share = 0.5;        // share of trades in matched self round trips
  int64_t wash_window_ms = 3'600'000;       // max gap between the legs of a wash round trip
  double wash_amount_tolerance = 0.01;      // relative difference of the legs' amounts
  double exchange_min_avg_usd = 2'000'000;  // average trade size of an exchange hot wallet
  double exchange_min_two_sided = 0.3;      // min(buy, sell) / volume
  int64_t flag_min_trades = 20;
  // Whale tiers by traded volume (USD): below each bound the tier is the matching name.
  double tier_dolphin_usd = 100'000;
  double tier_whale_usd = 1'000'000;
  double tier_leviathan_usd = 10'000'000;
  // Alerts.
  double alert_min_usd = 250'000;
  int alert_rate_limit = 5;  // alerts per wallet per window
  int64_t alert_rate_window_ms = 3'600'000;

  absl::Status Validate() const;
  // A stable text form; a checkpoint refuses to resume under a different configuration.
  std::string Fingerprint() const;
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_ENGINE_CONFIG_H_
