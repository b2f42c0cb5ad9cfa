// A seeded, fully deterministic synthetic on-chain market with known ground truth.
//
// The output is the NDJSON event stream of docs/EVENTS.md: price lines for the benchmark and the
// simulated tokens at every price tick, and trade lines from seven kinds of wallet:
//   informed   trade a token in the direction of its idiosyncratic (beta-adjusted) log move over
//              the next informed_lookahead_ms with probability informed_accuracy; 10-20 trades/day,
//              $50k-$2M; they also buy minutes before half of the big (> +1 sd) positive jumps.
//   noise      random token and side, $20k-$1M, 2-6 trades/day.
//   active     like noise, 60-120 trades/day.
//   lucky      like noise but 15-40 trades in total (not scaled by activity), of which a run of
//   8-15
//              consecutive ones is right about both the raw and the idiosyncratic direction.
//   bots       $500-$5k buy + sell of the same amount of a token in the same block (same tx half
//   the
//              time), 150-300 round trips/day.
//   exchanges  $1M-$20M, random token and side, 100-200 trades/day.
//   wash       buy, then sell the same amount (within 0.45%) 2-10 minutes later in another block,
//              $50k-$300k, 20-50 round trips/day.
// Nobody trades the benchmark itself. Trades happen at block times (12 s blocks from start_time_ms,
// block_number = 19,000,000 + elapsed / 12 s) at the last tick price times up to +-0.1% slippage.
// 10% of trade lines are emitted late (by up to max_disorder_ms). Price lines are never late: at a
// tick, the benchmark comes first, then TKN01, TKN02, ...
//
// Same config => byte-identical output on every platform: own RNG, own distributions, own exp/log.
#ifndef COATTAIL_SIM_SIMULATOR_H_
#define COATTAIL_SIM_SIMULATOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/sim/config.h"

namespace coattail::sim {

struct SimStats {
  int64_t lines = 0;        // all lines written
  int64_t trades = 0;       // genuine trade lines (not counting injected copies or malformed lines)
  int64_t prices = 0;       // price lines
  int64_t malformed = 0;    // injected invalid lines
  int64_t duplicates = 0;   // injected exact copies of earlier trade lines
  int64_t retractions = 0;  // injected "removed":true copies of earlier trade lines
};

// What the simulation knows and the engine has to find out. Address lists are in wallet order;
// every address is "0x" + 40 lower-case hex digits and belongs to exactly one list.
struct SimTruth {
  std::string benchmark;
  std::vector<std::string> tokens;  // TKN01, TKN02, ...
  std::vector<double> betas;        // beta of tokens[i] against the benchmark, exactly as modelled
  std::vector<std::string> informed;
  std::vector<std::string> noise;
  std::vector<std::string> lucky;
  std::vector<std::string> active;
  std::vector<std::string> bots;
  std::vector<std::string> exchanges;
  std::vector<std::string> wash;
  SimStats counts;
  // 1-based line numbers in the stream, ascending.
  std::vector<int64_t> malformed_lines;
  std::vector<int64_t> duplicate_lines;
  std::vector<int64_t> retraction_lines;
};

// Receives the stream one line at a time.
class LineSink {
 public:
  virtual ~LineSink() = default;
  // `line` has no trailing newline and is valid only during the call. A non-OK status stops the
  // simulation, and Generate returns it.
  virtual absl::Status Consume(std::string_view line) = 0;
};

// Runs the simulation into `sink`. Memory: the price paths ((tokens + 1) * ticks doubles) plus
// O(wallets + injected faults), independent of the number of trades.
absl::StatusOr<SimTruth> Generate(const SimConfig& config, LineSink& sink);

// The truth file's JSON text (one member per line, ending in a newline):
// {"seed":..,"config":{..},"benchmark":"ETH","informed":[..],"noise":[..],"lucky":[..],
//  "active":[..],"bots":[..],"exchanges":[..],"wash":[..],"betas":{"TKN01":1.234,..},
//  "counts":{"lines":..,"trades":..,"prices":..,"malformed":..,"duplicates":..,"retractions":..},
//  "malformed_lines":[..],"duplicate_lines":[..],"retraction_lines":[..]}
std::string TruthJson(const SimConfig& config, const SimTruth& truth);

// Writes the events to `events_path` ("-" = standard output) and, unless `truth_path` is empty, the
// truth to `truth_path`.
absl::StatusOr<SimStats> Simulate(const SimConfig& config, const std::string& events_path,
                                  const std::string& truth_path);

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_SIMULATOR_H_
