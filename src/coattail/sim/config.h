// Configuration of the synthetic market (see simulator.h for what the simulator does with it).
#ifndef COATTAIL_SIM_CONFIG_H_
#define COATTAIL_SIM_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace coattail::sim {

// Every wallet-count knob is the size of its own class: `noise`, `active_noise` and `lucky_noise`
// are disjoint groups (480 noise-like wallets by default), matching the truth lists one to one.
struct SimConfig {
  uint64_t seed = 1;
  int64_t start_time_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  int days = 14;
  int64_t price_interval_ms = 60000;  // one price line per asset per interval
  int tokens = 40;                    // simulated tokens TKN01.., in addition to the benchmark
  std::string benchmark = "ETH";
  int informed = 20;                // wallets with real edge
  double informed_accuracy = 0.70;  // P(informed trade has the right idiosyncratic direction)
  int64_t informed_lookahead_ms = 3600000;  // horizon over which informed wallets are right
  int noise = 400;                          // 2-6 random trades/day
  int active_noise = 20;                    // 60-120 random trades/day
  int lucky_noise = 60;   // 15-40 trades in total, 8-15 consecutive of them right (look-ahead)
  int bots = 10;          // MEV / market-making: same-block buy+sell round trips
  int exchanges = 5;      // exchange hot wallets: huge random flows
  int wash = 10;          // self round trips in different blocks minutes apart
  double activity = 1.0;  // multiplies every class's trade rate (not the lucky wallets' totals)
  // Trades are emitted up to this late relative to the stream's time order (must stay below the
  // engine's 300 s allowed lateness). Duplicates and retractions keep to the same bound.
  int64_t max_disorder_ms = 30000;
  int malformed = 0;    // injected invalid lines
  int duplicates = 0;   // injected exact copies of earlier trade lines
  int retractions = 0;  // injected copies of earlier trades with "removed":true
  std::string chain = "ethereum";
};

// Returns InvalidArgument naming the offending field and its allowed range, or OK.
absl::Status ValidateConfig(const SimConfig& config);

// Symbol of simulated token `i` (1-based): TKN01, TKN02, ..., TKN100.
std::string TokenSymbol(int i);

// Appends the configuration as a JSON object (keys are the field names above). `config` must be
// valid: its strings are written unescaped.
void AppendConfigJson(const SimConfig& config, std::string& out);

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_CONFIG_H_
