// The pipeline: source (NDJSON file or stdin, or a Kinesis stream) -> parse -> engine -> sinks
// (alerts NDJSON, dead-letter NDJSON, SQLite store, optionally DynamoDB), with periodic
// checkpoints so a killed run resumes exactly: the input position (file offset, or per-shard
// sequence numbers), the engine state and the alerts commit together.
#ifndef COATTAIL_PIPELINE_RUNNER_H_
#define COATTAIL_PIPELINE_RUNNER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "coattail/engine/engine.h"
#include "coattail/engine/engine_config.h"
#include "coattail/pipeline/source.h"  // StreamOf, for callers that tell inputs apart

namespace coattail::pipeline {

struct RunOptions {
  // "FILE", "-" (standard input), or "kinesis:STREAM" (name or ARN; every shard is read).
  std::string input = "-";
  // "" or "dynamodb:ALERTS_TABLE": alerts are also written there (BatchWriteItem) before each
  // checkpoint commits, so a replay after a crash rewrites identical items.
  std::string sink;
  std::string scores_table;  // with the DynamoDB sink: scores written at the end of the run
  // Stream input only: end the run (drain the reorder buffer, final scores) once every shard has
  // been caught up for this long; zero reads until `stop`.
  std::chrono::milliseconds idle_exit{0};
  // Set (e.g. by SIGTERM) to end the run after the current event: it commits a checkpoint without
  // draining, so the next run continues exactly as if it had not stopped.
  const std::atomic<bool>* stop = nullptr;
  std::string db;                 // SQLite database (created when missing)
  std::string alerts_path;        // optional alerts NDJSON
  std::string dead_letter_path;   // optional; defaults to <db>.rejected.ndjson
  std::string export_stats_path;  // optional CSV of raw per-wallet moments
  // A checkpoint commits when either trigger fires, and always at the end. Time is the default, as
  // in Flink or Kafka Streams: a crash replays at most this much work, whatever the input rate,
  // and a fast run does not spend its time rewriting the state (a few MB) every few thousand lines.
  // On a quiet stream a due checkpoint is also taken while waiting for records, so alerts reach
  // the store and DynamoDB within about this interval. Zero turns a trigger off.
  std::chrono::milliseconds checkpoint_interval{10'000};
  int64_t checkpoint_every_lines = 0;
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
  bool stopped = false;  // ended by `stop`, not by the end of input
  // Stream input and DynamoDB sink figures (zero otherwise).
  int64_t get_records_calls = 0;
  int64_t stream_records = 0;
  int64_t dynamodb_alert_items = 0;
  int64_t dynamodb_score_items = 0;
};

absl::StatusOr<RunResult> RunPipeline(const engine::EngineConfig& config,
                                      const RunOptions& options);

// The human summary printed by `coattail run` (key=value lines, stable for scripts).
std::string FormatSummary(const RunResult& result);

}  // namespace coattail::pipeline

#endif  // COATTAIL_PIPELINE_RUNNER_H_
