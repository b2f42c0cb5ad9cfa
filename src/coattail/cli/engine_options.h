// Option sets shared by several `coattail` commands: the engine's (run, demo) and the
// simulator's (simulate, demo).
#ifndef COATTAIL_CLI_ENGINE_OPTIONS_H_
#define COATTAIL_CLI_ENGINE_OPTIONS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "coattail/engine/engine_config.h"
#include "coattail/sim/config.h"

namespace coattail::cli {

// Engine options. Durations are kept as text until Apply, and accept 500ms, 90s, 15m, 1h, 7d or
// plain ms (base::ParseDurationMs).
struct EngineFlags {
  std::string horizons = "1h,24h";
  std::string lateness = "5m";
  std::string dedup_window = "24h";
  std::string half_life = "30d";
  std::string score_interval = "1h";

  // Adds the options to `app`; the non-duration ones are bound to `c` directly.
  void Register(CLI::App* app, engine::EngineConfig& c);

  // Parses the durations into `c` and validates the whole configuration.
  absl::Status Apply(engine::EngineConfig& c) const;
};

// The simulator's size and fault-injection options, bound to `c`.
void AddSimOptions(CLI::App* app, sim::SimConfig& c);

}  // namespace coattail::cli

#endif  // COATTAIL_CLI_ENGINE_OPTIONS_H_
