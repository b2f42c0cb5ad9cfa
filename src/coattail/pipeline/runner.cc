#include "coattail/pipeline/runner.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/base/status_macros.h"
#include "coattail/pipeline/sinks.h"
#include "coattail/store/sqlite_store.h"

namespace coattail::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

int64_t PeakRssKb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// One run, one step per method: Open the store, the sinks, the engine and the source; Resume the
// engine and the output files from the store's checkpoint; Loop over the input, committing a
// checkpoint whenever one falls due; a final Commit; then the figures of the run.
class Pipeline {
 public:
  Pipeline(const engine::EngineConfig& config, const RunOptions& options)
      : config_(config),
        options_(options),
        started_(Clock::now()),
        timed_(options.checkpoint_interval.count() > 0) {}
  // The source calls back into the pipeline while it waits (OnWait), so it never moves.
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  absl::StatusOr<RunResult> Run();

 private:
  absl::Status Validate() const;
  // The store and its checkpoint, the sinks, the engine, and the source at the checkpoint's input
  // position. Refuses a checkpoint taken on another input.
  absl::Status Open();
  // Restores the engine state and cuts the output files back to the checkpoint; a fresh run
  // starts them empty.
  absl::Status Resume();
  // Feeds every line to the engine; ends at the end of input, on `stop`, or on an error.
  absl::Status Loop();
  // The checkpoint: the input position, the engine state and the alerts since the last one commit
  // in one store transaction (DynamoDB first). The final one also writes the score table.
  absl::Status Commit(bool final);
  absl::Status TakeCheckpoint();
  // Checked after each line: every N lines, or (clock read every 1024 lines) when the interval
  // has passed.
  [[nodiscard]] bool CheckpointDue() const;
  // Called by a stream source before each pause while no record is ready: on a quiet stream a due
  // checkpoint is taken there, so alerts reach the store within about the interval.
  absl::Status OnWait();
  void ReportProgress(int64_t line_number);
  // The alerts retracted since the last commit, for DynamoDB: each is in this commit's batch or
  // already in the store.
  absl::StatusOr<std::vector<engine::Alert>> RetractedAlerts() const;
  RunResult Summarize();

  const engine::EngineConfig& config_;
  const RunOptions& options_;
  const Clock::time_point started_;
  const bool timed_;  // the wall-time checkpoint trigger is on
  RunResult result_;
  std::string fingerprint_;
  std::unique_ptr<store::SqliteStore> db_;
  std::optional<store::Checkpoint> checkpoint_;  // the one resumed from
  std::unique_ptr<DynamoDbOutput> dynamodb_;     // null without --sink
  std::unique_ptr<AlertsSink> alerts_;
  std::unique_ptr<DeadLetterSink> dead_letters_;
  std::unique_ptr<engine::Engine> engine_;  // after its sinks, so it is destroyed before them
  std::unique_ptr<Source> source_;
  int64_t since_checkpoint_ = 0;  // lines since the last checkpoint
  Clock::time_point checkpoint_due_;
  Clock::time_point last_progress_;
  int64_t progress_lines_ = 0;  // lines_this_run at the last progress report
};

absl::StatusOr<RunResult> Pipeline::Run() {
  RETURN_IF_ERROR(Validate());
  RETURN_IF_ERROR(Open());
  RETURN_IF_ERROR(Resume());
  RETURN_IF_ERROR(Loop());
  result_.stopped = options_.stop != nullptr && options_.stop->load();
  // A stopped run keeps its reorder buffer in the checkpoint; the end of input drains it.
  if (!result_.stopped) engine_->Finish();
  RETURN_IF_ERROR(Commit(/*final=*/true));
  if (!options_.export_stats_path.empty()) {
    RETURN_IF_ERROR(ExportStats(*engine_, options_.export_stats_path));
  }
  return Summarize();
}

absl::Status Pipeline::Validate() const {
  if (options_.db.empty()) return absl::InvalidArgumentError("--db is required");
  if (options_.checkpoint_every_lines < 0) {
    return absl::InvalidArgumentError("--checkpoint-every must be >= 0");
  }
  if (options_.checkpoint_interval.count() < 0) {
    return absl::InvalidArgumentError("--checkpoint-interval must be >= 0");
  }
  return absl::OkStatus();
}

absl::Status Pipeline::Open() {
  result_.dead_letter_path = options_.dead_letter_path.empty() ? options_.db + ".rejected.ndjson"
                                                               : options_.dead_letter_path;
  ASSIGN_OR_RETURN(db_, store::SqliteStore::Open(options_.db));
  ASSIGN_OR_RETURN(checkpoint_, db_->LoadCheckpoint());
  fingerprint_ = InputFingerprint(options_.input);
  if (checkpoint_.has_value() && (checkpoint_->input_name != options_.input ||
                                  checkpoint_->input_fingerprint != fingerprint_)) {
    return absl::FailedPreconditionError(
        absl::StrCat(options_.db, " holds the state of a run over ", checkpoint_->input_name,
                     "; resume with the same input, or use a new --db for a different one"));
  }
  ASSIGN_OR_RETURN(dynamodb_, DynamoDbOutput::Open(options_.sink, options_.scores_table));
  if (StreamOf(options_.input).empty() && options_.idle_exit.count() > 0) {
    return absl::InvalidArgumentError("--stop-when-idle applies to a kinesis: input only");
  }
  ASSIGN_OR_RETURN(alerts_, AlertsSink::Open(options_.alerts_path));
  ASSIGN_OR_RETURN(dead_letters_, DeadLetterSink::Open(result_.dead_letter_path));
  ASSIGN_OR_RETURN(engine_, engine::Engine::Create(config_, alerts_.get(), dead_letters_.get()));
  SourceOptions source_options;
  source_options.input = options_.input;
  source_options.idle_exit = options_.idle_exit;
  source_options.stop = options_.stop;
  source_options.while_waiting = [this] { return OnWait(); };
  ASSIGN_OR_RETURN(source_, OpenSource(std::move(source_options),
                                       checkpoint_.has_value() ? &*checkpoint_ : nullptr));
  return absl::OkStatus();
}

absl::Status Pipeline::Resume() {
  if (!checkpoint_.has_value()) {
    RETURN_IF_ERROR(alerts_->TruncateTo(0));
    return dead_letters_->TruncateTo(0);
  }
  const store::Checkpoint& c = *checkpoint_;
  RETURN_IF_ERROR(engine_->LoadState(c.engine_state));
  RETURN_IF_ERROR(alerts_->TruncateTo(c.alerts_bytes));
  RETURN_IF_ERROR(dead_letters_->TruncateTo(c.dead_letter_bytes));
  dead_letters_->RestoreCounts(c.reject_reasons);
  result_.resumed = true;
  result_.resumed_from_line = c.input_line;
  return absl::OkStatus();
}

absl::Status Pipeline::Loop() {
  checkpoint_due_ = Clock::now() + options_.checkpoint_interval;
  last_progress_ = Clock::now();
  io::Line line;
  while (source_->Next(line)) {
    engine_->ProcessLine(line.text, line.number, line.too_long);
    ++result_.lines_this_run;
    ++since_checkpoint_;
    if (CheckpointDue()) RETURN_IF_ERROR(TakeCheckpoint());
    if (options_.progress && (result_.lines_this_run & 0xffff) == 0) ReportProgress(line.number);
  }
  if (options_.progress) std::fputc('\n', stderr);
  return source_->status();
}

bool Pipeline::CheckpointDue() const {
  // Reading the clock once every 1024 lines costs a fraction of a millisecond at full speed.
  return (options_.checkpoint_every_lines > 0 &&
          since_checkpoint_ >= options_.checkpoint_every_lines) ||
         (timed_ && (since_checkpoint_ & 1023) == 0 && Clock::now() >= checkpoint_due_);
}

absl::Status Pipeline::OnWait() {
  if (timed_ && since_checkpoint_ > 0 && Clock::now() >= checkpoint_due_) return TakeCheckpoint();
  return absl::OkStatus();
}

absl::Status Pipeline::TakeCheckpoint() {
  since_checkpoint_ = 0;
  checkpoint_due_ = Clock::now() + options_.checkpoint_interval;
  return Commit(/*final=*/false);
}

void Pipeline::ReportProgress(int64_t line_number) {
  const auto now = Clock::now();
  const double dt = std::chrono::duration<double>(now - last_progress_).count();
  if (dt < 0.5) return;
  std::fprintf(stderr, "\r%lld lines, %.0f events/s   ", static_cast<long long>(line_number),
               static_cast<double>(result_.lines_this_run - progress_lines_) / dt);
  last_progress_ = now;
  progress_lines_ = result_.lines_this_run;
}

absl::StatusOr<std::vector<engine::Alert>> Pipeline::RetractedAlerts() const {
  std::vector<engine::Alert> out;
  const std::vector<engine::Alert>& pending = alerts_->pending();
  for (const std::string& id : alerts_->retracted()) {
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&id](const engine::Alert& a) { return a.alert_id == id; });
    if (it != pending.end()) {
      out.push_back(*it);
      continue;
    }
    ASSIGN_OR_RETURN(const std::optional<store::StoredAlert> stored, db_->AlertById(id));
    if (stored.has_value()) out.push_back(stored->alert);
  }
  return out;
}

absl::Status Pipeline::Commit(bool final) {
  RETURN_IF_ERROR(alerts_->status());
  RETURN_IF_ERROR(dead_letters_->status());
  RETURN_IF_ERROR(alerts_->Sync());
  RETURN_IF_ERROR(dead_letters_->Sync());
  store::Checkpoint c;
  c.input_name = options_.input;
  c.input_fingerprint = fingerprint_;
  source_->SavePosition(c);
  c.alerts_bytes = alerts_->size();
  c.dead_letter_bytes = dead_letters_->size();
  c.reject_reasons = dead_letters_->ReasonCounts();
  engine_->SaveState(c.engine_state);
  std::vector<engine::WalletScoreRow> scores;
  if (final) scores = engine_->ScoreRows();
  // DynamoDB first: if the process dies between the two, the replay from the previous
  // checkpoint rewrites the same items (deterministic keys), and the store commits them once.
  if (dynamodb_ != nullptr) {
    ASSIGN_OR_RETURN(const std::vector<engine::Alert> retracted, RetractedAlerts());
    RETURN_IF_ERROR(dynamodb_->writer().WriteAlerts(alerts_->pending(), retracted));
    if (final) RETURN_IF_ERROR(dynamodb_->writer().WriteScores(scores));
  }
  const int64_t primary = config_.horizons_ms[static_cast<size_t>(config_.primary_horizon)];
  RETURN_IF_ERROR(
      db_->Commit(alerts_->pending(), alerts_->retracted(), final ? &scores : nullptr, primary, c));
  alerts_->ClearBatch();
  return absl::OkStatus();
}

RunResult Pipeline::Summarize() {
  result_.counters = engine_->counters();
  result_.reject_reasons = dead_letters_->ReasonCounts();
  std::sort(result_.reject_reasons.begin(), result_.reject_reasons.end(),
            [](const auto& a, const auto& b) {
              return a.second != b.second ? a.second > b.second : a.first < b.first;
            });
  result_.wallets = engine_->wallet_count();
  const SourceStats stream = source_->stats();
  result_.get_records_calls = stream.get_records_calls;
  result_.stream_records = stream.records;
  if (dynamodb_ != nullptr) {
    result_.dynamodb_alert_items = dynamodb_->writer().alerts_written();
    result_.dynamodb_score_items = dynamodb_->writer().scores_written();
  }
  result_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  result_.peak_rss_kb = PeakRssKb();
  return std::move(result_);
}

}  // namespace

absl::StatusOr<RunResult> RunPipeline(const engine::EngineConfig& config,
                                      const RunOptions& options) {
  Pipeline pipeline(config, options);
  return pipeline.Run();
}

std::string FormatSummary(const RunResult& r) {
  const engine::Counters& c = r.counters;
  std::string out;
  absl::StrAppend(&out, "lines_read=", c.lines_read, "\naccepted=", c.accepted,
                  "\nduplicates=", c.duplicates, "\nrejected=", c.rejected);
  absl::StrAppend(
      &out, "\nbalanced=", c.lines_read == c.accepted + c.duplicates + c.rejected ? "yes" : "NO");
  absl::StrAppend(&out, "\ntrades=", c.trades, "\nprices=", c.prices,
                  "\nretractions=", c.retractions, "\nlate=", c.late,
                  "\nunpriced_trades=", c.unpriced_trades,
                  "\nevaluations_scheduled=", c.evaluations_scheduled,
                  "\nevaluations_resolved=", c.evaluations_resolved,
                  "\nevaluations_cancelled=", c.evaluations_cancelled, "\nevaluations_pending=",
                  c.evaluations_scheduled - c.evaluations_resolved - c.evaluations_cancelled,
                  "\nalerts=", c.alerts, "\nalerts_rate_limited=", c.alerts_rate_limited,
                  "\nalerts_retracted=", c.alerts_retracted, "\nwallets=", r.wallets);
  for (const auto& [reason, count] : r.reject_reasons) {
    absl::StrAppend(&out, "\nrejected[", reason, "]=", count);
  }
  absl::StrAppend(&out, "\ndead_letter=", r.dead_letter_path);
  if (r.resumed) absl::StrAppend(&out, "\nresumed_from_line=", r.resumed_from_line);
  if (r.stopped) absl::StrAppend(&out, "\nstopped=yes");
  if (r.get_records_calls > 0) {
    absl::StrAppend(&out, "\nget_records_calls=", r.get_records_calls,
                    "\nstream_records=", r.stream_records);
  }
  if (r.dynamodb_alert_items > 0 || r.dynamodb_score_items > 0) {
    absl::StrAppend(&out, "\ndynamodb_alert_items=", r.dynamodb_alert_items,
                    "\ndynamodb_score_items=", r.dynamodb_score_items);
  }
  const double eps = r.seconds > 0 ? static_cast<double>(r.lines_this_run) / r.seconds : 0;
  absl::StrAppend(&out, absl::StrFormat("\nseconds=%.3f\nevents_per_sec=%.0f\npeak_rss_mb=%.1f\n",
                                        r.seconds, eps, static_cast<double>(r.peak_rss_kb) / 1024));
  return out;
}

}  // namespace coattail::pipeline
