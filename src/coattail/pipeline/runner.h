// The local pipeline: source (NDJSON file or stdin) -> parse -> engine -> sinks (alerts NDJSON,
// dead-letter NDJSON, SQLite store), with periodic checkpoints so a killed run resumes exactly.
#ifndef COATTAIL_PIPELINE_RUNNER_H_
#define COATTAIL_PIPELINE_RUNNER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "coattail/engine/engine.h"
#include "coattail/engine/engine_config.h"

namespace coattail::pipeline {

struct RunOptions {
  std::string input = "-";        // a path, or "-" for standard input
  std::string db;                 // SQLite database (created when missing)
  std::string alerts_path;        // optional alerts NDJSON
  std::string dead_letter_path;   // optional; defaults to <db>.rejected.ndjson
  std::string export_stats_path;  // optional CSV of raw per-wallet moments
  int64_t checkpoint_every_lines = 200'000;
  bool progress = false;  // events/s on stderr (the CLI enables it only on a terminal)
};

struct RunResult {
  engine::Counters counters;
  std::vector<std::pair<std::string, int64_t>> reject_reasons;  // sorted by count, descending
  bool resumed = false;
  int64_t resumed_from_line = 0;
  double seconds = 0;
  int64_t lines_this_run = 0;
  int64_t peak_rss_kb = 0;
  size_t wallets = 0;
  std::string dead_letter_path;
};

absl::StatusOr<RunResult> RunPipeline(const engine::EngineConfig& config,
                                      const RunOptions& options);

// The human summary printed by `coattail run` (key=value lines, stable for scripts).
std::string FormatSummary(const RunResult& result);

}  // namespace coattail::pipeline

#endif  // COATTAIL_PIPELINE_RUNNER_H_
