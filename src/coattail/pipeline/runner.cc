#include "coattail/pipeline/runner.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/engine/hash.h"
#include "coattail/io/line_reader.h"
#include "coattail/io/ndjson_file_writer.h"
#include "coattail/pipeline/json_format.h"
#include "coattail/store/sqlite_store.h"

namespace coattail::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Collects alerts for the store (committed with the next checkpoint) and writes them to NDJSON.
class CollectingAlertSink : public engine::AlertSink {
 public:
  explicit CollectingAlertSink(io::NdjsonFileWriter* file) : file_(file) {}

  void OnAlert(const engine::Alert& alert) override {
    if (file_ != nullptr) {
      scratch_.clear();
      AppendAlertJson(scratch_, alert);
      Record(file_->Append(scratch_));
    }
    pending_.push_back(alert);
  }
  void OnAlertRetracted(std::string_view alert_id, int64_t line) override {
    if (file_ != nullptr) {
      scratch_.clear();
      AppendAlertRetractionJson(scratch_, alert_id, line);
      Record(file_->Append(scratch_));
    }
    retracted_.emplace_back(alert_id);
  }

  std::vector<engine::Alert>& pending() { return pending_; }
  std::vector<std::string>& retracted() { return retracted_; }
  const absl::Status& status() const { return status_; }

 private:
  void Record(absl::Status s) {
    if (status_.ok() && !s.ok()) status_ = std::move(s);
  }
  io::NdjsonFileWriter* file_;
  std::string scratch_;
  std::vector<engine::Alert> pending_;
  std::vector<std::string> retracted_;
  absl::Status status_;
};

class DeadLetterSink : public engine::RejectSink {
 public:
  explicit DeadLetterSink(io::DeadLetterWriter* writer) : writer_(writer) {}
  void OnReject(int64_t line, std::string_view reason, std::string_view raw) override {
    absl::Status s = writer_->Write(line, reason, raw);
    if (status_.ok() && !s.ok()) status_ = std::move(s);
  }
  const absl::Status& status() const { return status_; }

 private:
  io::DeadLetterWriter* writer_;
  absl::Status status_;
};

// Identifies the input across restarts: a resumed run must read the same bytes it stopped in.
std::string InputFingerprint(const std::string& path) {
  if (path == "-") return "";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string head(64 * 1024, '\0');
  const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  ::close(fd);
  head.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return engine::Fingerprint128(head, 0x696e707574ULL /* "input" */).Hex();
}

int64_t PeakRssKb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

absl::Status ExportStats(const engine::Engine& engine, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(absl::StrCat("cannot write ", path));
  out << "wallet,horizon_ms,n,mean,variance\n";
  for (const engine::WalletMomentsRow& r : engine.MomentsRows()) {
    out << absl::StrFormat("%s,%d,%.17g,%.17g,%.17g\n", r.wallet, r.horizon_ms, r.n, r.mean,
                           r.variance);
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("error writing ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunResult> RunPipeline(const engine::EngineConfig& config,
                                      const RunOptions& options) {
  const auto started = Clock::now();
  if (options.db.empty()) return absl::InvalidArgumentError("--db is required");
  if (options.checkpoint_every_lines < 0) {
    return absl::InvalidArgumentError("--checkpoint-every must be >= 0");
  }
  RunResult result;
  result.dead_letter_path =
      options.dead_letter_path.empty() ? options.db + ".rejected.ndjson" : options.dead_letter_path;

  absl::StatusOr<std::unique_ptr<store::SqliteStore>> db = store::SqliteStore::Open(options.db);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::optional<store::Checkpoint>> checkpoint = (*db)->LoadCheckpoint();
  if (!checkpoint.ok()) return checkpoint.status();

  const std::string fingerprint = InputFingerprint(options.input);
  if (checkpoint->has_value()) {
    const store::Checkpoint& c = **checkpoint;
    if (c.input_name != options.input || c.input_fingerprint != fingerprint) {
      return absl::FailedPreconditionError(
          absl::StrCat(options.db, " holds the state of a run over ", c.input_name,
                       "; resume with the same input, or use a new --db for a different one"));
    }
  }

  absl::StatusOr<std::unique_ptr<io::NdjsonFileWriter>> alerts_file;
  if (!options.alerts_path.empty()) {
    alerts_file = io::NdjsonFileWriter::Open(options.alerts_path);
    if (!alerts_file.ok()) return alerts_file.status();
  }
  absl::StatusOr<std::unique_ptr<io::DeadLetterWriter>> dead_letters =
      io::DeadLetterWriter::Open(result.dead_letter_path);
  if (!dead_letters.ok()) return dead_letters.status();

  io::NdjsonFileWriter* alerts_writer = options.alerts_path.empty() ? nullptr : alerts_file->get();
  CollectingAlertSink alert_sink(alerts_writer);
  DeadLetterSink reject_sink(dead_letters->get());
  absl::StatusOr<std::unique_ptr<engine::Engine>> engine =
      engine::Engine::Create(config, &alert_sink, &reject_sink);
  if (!engine.ok()) return engine.status();

  absl::StatusOr<std::unique_ptr<io::LineReader>> reader = io::LineReader::Open(options.input);
  if (!reader.ok()) return reader.status();

  int64_t offset = 0;
  int64_t line_number = 0;
  // Output files are cut back to their size at the checkpoint: whatever was written after it will
  // be written again, identically, by the resumed run.
  if (checkpoint->has_value()) {
    const store::Checkpoint& c = **checkpoint;
    if (absl::Status s = (*engine)->LoadState(c.engine_state); !s.ok()) return s;
    if (absl::Status s = (*reader)->SkipTo(c.input_offset, c.input_line); !s.ok()) return s;
    if (alerts_writer != nullptr) {
      if (absl::Status s = alerts_writer->TruncateTo(c.alerts_bytes); !s.ok()) return s;
    }
    if (absl::Status s = (*dead_letters)->TruncateTo(c.dead_letter_bytes); !s.ok()) return s;
    for (const auto& [reason, count] : c.reject_reasons) {
      (*dead_letters)->RestoreCount(reason, count);
    }
    offset = c.input_offset;
    line_number = c.input_line;
    result.resumed = true;
    result.resumed_from_line = c.input_line;
  } else {
    if (alerts_writer != nullptr) {
      if (absl::Status s = alerts_writer->TruncateTo(0); !s.ok()) return s;
    }
    if (absl::Status s = (*dead_letters)->TruncateTo(0); !s.ok()) return s;
  }

  auto commit = [&](bool final) -> absl::Status {
    if (!alert_sink.status().ok()) return alert_sink.status();
    if (!reject_sink.status().ok()) return reject_sink.status();
    if (alerts_writer != nullptr) {
      if (absl::Status s = alerts_writer->Flush(); !s.ok()) return s;
      if (absl::Status s = alerts_writer->Sync(); !s.ok()) return s;
    }
    if (absl::Status s = (*dead_letters)->Flush(); !s.ok()) return s;
    if (absl::Status s = (*dead_letters)->Sync(); !s.ok()) return s;
    store::Checkpoint c;
    c.input_name = options.input;
    c.input_fingerprint = fingerprint;
    c.input_offset = offset;
    c.input_line = line_number;
    c.alerts_bytes = alerts_writer != nullptr ? alerts_writer->size() : 0;
    c.dead_letter_bytes = (*dead_letters)->size();
    for (const auto& [reason, count] : (*dead_letters)->reason_counts()) {
      c.reject_reasons.emplace_back(reason, count);
    }
    std::sort(c.reject_reasons.begin(), c.reject_reasons.end());
    (*engine)->SaveState(c.engine_state);
    std::vector<engine::WalletScoreRow> scores;
    if (final) scores = (*engine)->ScoreRows();
    const int64_t primary = config.horizons_ms[static_cast<size_t>(config.primary_horizon)];
    if (absl::Status s = (*db)->Commit(alert_sink.pending(), alert_sink.retracted(),
                                       final ? &scores : nullptr, primary, c);
        !s.ok()) {
      return s;
    }
    alert_sink.pending().clear();
    alert_sink.retracted().clear();
    return absl::OkStatus();
  };

  io::Line line;
  int64_t since_checkpoint = 0;
  auto last_progress = Clock::now();
  int64_t progress_lines = 0;
  while ((*reader)->Next(line)) {
    (*engine)->ProcessLine(line.text, line.number, line.too_long);
    offset = line.end_offset;
    line_number = line.number;
    ++result.lines_this_run;
    if (options.checkpoint_every_lines > 0 &&
        ++since_checkpoint >= options.checkpoint_every_lines) {
      since_checkpoint = 0;
      if (absl::Status s = commit(false); !s.ok()) return s;
    }
    if (options.progress && (result.lines_this_run & 0xffff) == 0) {
      const auto now = Clock::now();
      const double dt = std::chrono::duration<double>(now - last_progress).count();
      if (dt >= 0.5) {
        std::fprintf(stderr, "\r%lld lines, %.0f events/s   ", static_cast<long long>(line_number),
                     static_cast<double>(result.lines_this_run - progress_lines) / dt);
        last_progress = now;
        progress_lines = result.lines_this_run;
      }
    }
  }
  if (options.progress) std::fputc('\n', stderr);
  if (!(*reader)->status().ok()) return (*reader)->status();
  (*engine)->Finish();
  if (absl::Status s = commit(true); !s.ok()) return s;
  if (!options.export_stats_path.empty()) {
    if (absl::Status s = ExportStats(**engine, options.export_stats_path); !s.ok()) return s;
  }

  result.counters = (*engine)->counters();
  for (const auto& [reason, count] : (*dead_letters)->reason_counts()) {
    result.reject_reasons.emplace_back(reason, count);
  }
  std::sort(result.reject_reasons.begin(), result.reject_reasons.end(),
            [](const auto& a, const auto& b) {
              return a.second != b.second ? a.second > b.second : a.first < b.first;
            });
  result.wallets = (*engine)->wallet_count();
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.peak_rss_kb = PeakRssKb();
  return result;
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
  const double eps = r.seconds > 0 ? static_cast<double>(r.lines_this_run) / r.seconds : 0;
  absl::StrAppend(&out, absl::StrFormat("\nseconds=%.3f\nevents_per_sec=%.0f\npeak_rss_mb=%.1f\n",
                                        r.seconds, eps, static_cast<double>(r.peak_rss_kb) / 1024));
  return out;
}

}  // namespace coattail::pipeline
