#include "coattail/pipeline/runner.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/aws/kinesis.h"
#include "coattail/engine/hash.h"
#include "coattail/io/line_reader.h"
#include "coattail/io/ndjson_file_writer.h"
#include "coattail/pipeline/json_format.h"
#include "coattail/store/sqlite_store.h"
#include "coattail/stream/dynamodb_sink.h"
#include "coattail/stream/kinesis_source.h"

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

// Where lines come from, and where the run stands in them for a checkpoint.
class Source {
 public:
  virtual ~Source() = default;
  // The next line, followed by event::kParsePadding readable bytes; false at the end or on error.
  virtual bool Next(io::Line& line) = 0;
  virtual absl::Status status() const = 0;
  virtual void SavePosition(store::Checkpoint& c) const = 0;
};

class FileSource : public Source {
 public:
  static absl::StatusOr<std::unique_ptr<FileSource>> Open(const std::string& path,
                                                          const store::Checkpoint* resume) {
    absl::StatusOr<std::unique_ptr<io::LineReader>> reader = io::LineReader::Open(path);
    if (!reader.ok()) return reader.status();
    auto source = std::unique_ptr<FileSource>(new FileSource(*std::move(reader)));
    if (resume != nullptr) {
      if (absl::Status s = source->reader_->SkipTo(resume->input_offset, resume->input_line);
          !s.ok()) {
        return s;
      }
      source->offset_ = resume->input_offset;
      source->line_ = resume->input_line;
    }
    return source;
  }
  bool Next(io::Line& line) override {
    if (!reader_->Next(line)) return false;
    offset_ = line.end_offset;
    line_ = line.number;
    return true;
  }
  absl::Status status() const override { return reader_->status(); }
  void SavePosition(store::Checkpoint& c) const override {
    c.input_offset = offset_;
    c.input_line = line_;
  }

 private:
  explicit FileSource(std::unique_ptr<io::LineReader> reader) : reader_(std::move(reader)) {}
  std::unique_ptr<io::LineReader> reader_;
  int64_t offset_ = 0;
  int64_t line_ = 0;
};

// Events of a Kinesis stream; a "line" number is the event's ordinal in the run's input.
class StreamSource : public Source {
 public:
  static absl::StatusOr<std::unique_ptr<StreamSource>> Open(
      const std::string& stream, const RunOptions& options, const store::Checkpoint* resume,
      std::function<absl::Status()> while_waiting) {
    absl::StatusOr<aws::KinesisClient> kinesis = aws::KinesisClient::FromEnv(aws::Env::Process());
    if (!kinesis.ok()) return kinesis.status();
    auto source = std::unique_ptr<StreamSource>(new StreamSource(*std::move(kinesis)));
    stream::KinesisSourceOptions source_options;
    source_options.stream = stream;
    source_options.idle_exit = options.idle_exit;
    source_options.stop = options.stop;
    source_options.while_waiting = std::move(while_waiting);
    absl::StatusOr<std::unique_ptr<stream::KinesisSource>> reader = stream::KinesisSource::Create(
        &source->kinesis_, std::move(source_options),
        resume != nullptr ? resume->shard_positions : std::vector<store::ShardPosition>());
    if (!reader.ok()) return reader.status();
    source->reader_ = *std::move(reader);
    if (resume != nullptr) source->line_ = resume->input_line;
    return source;
  }
  bool Next(io::Line& line) override {
    std::string_view event;
    if (!reader_->Next(event)) return false;
    line.text = event;
    line.number = ++line_;
    line.end_offset = 0;
    line.too_long = false;
    return true;
  }
  absl::Status status() const override { return reader_->status(); }
  void SavePosition(store::Checkpoint& c) const override {
    c.input_line = line_;
    c.shard_positions = reader_->Positions();
  }
  const stream::KinesisSource& reader() const { return *reader_; }

 private:
  explicit StreamSource(aws::KinesisClient kinesis) : kinesis_(std::move(kinesis)) {}
  aws::KinesisClient kinesis_;
  std::unique_ptr<stream::KinesisSource> reader_;
  int64_t line_ = 0;
};

// Identifies the input across restarts: a resumed run must read the same bytes it stopped in.
std::string InputFingerprint(const std::string& path) {
  if (path == "-" || !StreamOf(path).empty()) return "";
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

std::string StreamOf(const std::string& input) {
  constexpr std::string_view kPrefix = "kinesis:";
  if (input.size() <= kPrefix.size() || input.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  return input.substr(kPrefix.size());
}

absl::StatusOr<RunResult> RunPipeline(const engine::EngineConfig& config,
                                      const RunOptions& options) {
  const auto started = Clock::now();
  if (options.db.empty()) return absl::InvalidArgumentError("--db is required");
  if (options.checkpoint_every_lines < 0) {
    return absl::InvalidArgumentError("--checkpoint-every must be >= 0");
  }
  if (options.checkpoint_interval.count() < 0) {
    return absl::InvalidArgumentError("--checkpoint-interval must be >= 0");
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

  std::unique_ptr<aws::DynamoDbClient> dynamodb;
  std::unique_ptr<stream::DynamoDbSink> dynamodb_sink;
  if (!options.sink.empty()) {
    constexpr std::string_view kPrefix = "dynamodb:";
    if (options.sink.size() <= kPrefix.size() ||
        options.sink.compare(0, kPrefix.size(), kPrefix) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--sink must be dynamodb:TABLE, got '", options.sink, "'"));
    }
    absl::StatusOr<aws::DynamoDbClient> client = aws::DynamoDbClient::FromEnv(aws::Env::Process());
    if (!client.ok()) return client.status();
    dynamodb = std::make_unique<aws::DynamoDbClient>(*std::move(client));
    stream::DynamoDbSinkOptions sink_options;
    sink_options.alerts_table = options.sink.substr(kPrefix.size());
    sink_options.scores_table = options.scores_table;
    dynamodb_sink = std::make_unique<stream::DynamoDbSink>(dynamodb.get(), sink_options);
  } else if (!options.scores_table.empty()) {
    return absl::InvalidArgumentError("--scores-table needs --sink dynamodb:TABLE");
  }
  const std::string stream_name = StreamOf(options.input);
  if (stream_name.empty() && options.idle_exit.count() > 0) {
    return absl::InvalidArgumentError("--stop-when-idle applies to a kinesis: input only");
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

  const store::Checkpoint* resume = checkpoint->has_value() ? &**checkpoint : nullptr;
  // Declared before the source that calls it, so it outlives the source.
  std::function<absl::Status()> on_wait = [] { return absl::OkStatus(); };
  std::unique_ptr<Source> source;
  StreamSource* stream_source = nullptr;
  if (stream_name.empty()) {
    absl::StatusOr<std::unique_ptr<FileSource>> file = FileSource::Open(options.input, resume);
    if (!file.ok()) return file.status();
    source = *std::move(file);
  } else {
    // The commit below does not exist yet; the hook reaches it through `on_wait`.
    absl::StatusOr<std::unique_ptr<StreamSource>> kinesis =
        StreamSource::Open(stream_name, options, resume, [&on_wait] { return on_wait(); });
    if (!kinesis.ok()) return kinesis.status();
    stream_source = kinesis->get();
    source = *std::move(kinesis);
  }

  // Output files are cut back to their size at the checkpoint: whatever was written after it will
  // be written again, identically, by the resumed run.
  if (resume != nullptr) {
    const store::Checkpoint& c = *resume;
    if (absl::Status s = (*engine)->LoadState(c.engine_state); !s.ok()) return s;
    if (alerts_writer != nullptr) {
      if (absl::Status s = alerts_writer->TruncateTo(c.alerts_bytes); !s.ok()) return s;
    }
    if (absl::Status s = (*dead_letters)->TruncateTo(c.dead_letter_bytes); !s.ok()) return s;
    for (const auto& [reason, count] : c.reject_reasons) {
      (*dead_letters)->RestoreCount(reason, count);
    }
    result.resumed = true;
    result.resumed_from_line = c.input_line;
  } else {
    if (alerts_writer != nullptr) {
      if (absl::Status s = alerts_writer->TruncateTo(0); !s.ok()) return s;
    }
    if (absl::Status s = (*dead_letters)->TruncateTo(0); !s.ok()) return s;
  }

  // The DynamoDB items of alerts retracted since the last commit: the alert itself is in this
  // commit's batch or already in the store.
  auto retracted_alerts = [&]() -> absl::StatusOr<std::vector<engine::Alert>> {
    std::vector<engine::Alert> out;
    for (const std::string& id : alert_sink.retracted()) {
      auto it = std::find_if(alert_sink.pending().begin(), alert_sink.pending().end(),
                             [&id](const engine::Alert& a) { return a.alert_id == id; });
      if (it != alert_sink.pending().end()) {
        out.push_back(*it);
        continue;
      }
      absl::StatusOr<std::optional<store::StoredAlert>> stored = (*db)->AlertById(id);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) out.push_back((*stored)->alert);
    }
    return out;
  };

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
    source->SavePosition(c);
    c.alerts_bytes = alerts_writer != nullptr ? alerts_writer->size() : 0;
    c.dead_letter_bytes = (*dead_letters)->size();
    for (const auto& [reason, count] : (*dead_letters)->reason_counts()) {
      c.reject_reasons.emplace_back(reason, count);
    }
    std::sort(c.reject_reasons.begin(), c.reject_reasons.end());
    (*engine)->SaveState(c.engine_state);
    std::vector<engine::WalletScoreRow> scores;
    if (final) scores = (*engine)->ScoreRows();
    // DynamoDB first: if the process dies between the two, the replay from the previous
    // checkpoint rewrites the same items (deterministic keys), and the store commits them once.
    if (dynamodb_sink != nullptr) {
      absl::StatusOr<std::vector<engine::Alert>> retracted = retracted_alerts();
      if (!retracted.ok()) return retracted.status();
      if (absl::Status s = dynamodb_sink->WriteAlerts(alert_sink.pending(), *retracted); !s.ok()) {
        return s;
      }
      if (final) {
        if (absl::Status s = dynamodb_sink->WriteScores(scores); !s.ok()) return s;
      }
    }
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

  int64_t since_checkpoint = 0;
  const bool timed = options.checkpoint_interval.count() > 0;
  Clock::time_point checkpoint_due = Clock::now() + options.checkpoint_interval;
  auto take_checkpoint = [&]() -> absl::Status {
    since_checkpoint = 0;
    checkpoint_due = Clock::now() + options.checkpoint_interval;
    return commit(false);
  };
  on_wait = [&]() -> absl::Status {
    if (timed && since_checkpoint > 0 && Clock::now() >= checkpoint_due) return take_checkpoint();
    return absl::OkStatus();
  };

  io::Line line;
  auto last_progress = Clock::now();
  int64_t progress_lines = 0;
  while (source->Next(line)) {
    (*engine)->ProcessLine(line.text, line.number, line.too_long);
    ++result.lines_this_run;
    ++since_checkpoint;
    // The clock is read once every 1024 lines: a fraction of a millisecond at full speed.
    if ((options.checkpoint_every_lines > 0 &&
         since_checkpoint >= options.checkpoint_every_lines) ||
        (timed && (since_checkpoint & 1023) == 0 && Clock::now() >= checkpoint_due)) {
      if (absl::Status s = take_checkpoint(); !s.ok()) return s;
    }
    if (options.progress && (result.lines_this_run & 0xffff) == 0) {
      const auto now = Clock::now();
      const double dt = std::chrono::duration<double>(now - last_progress).count();
      if (dt >= 0.5) {
        std::fprintf(stderr, "\r%lld lines, %.0f events/s   ", static_cast<long long>(line.number),
                     static_cast<double>(result.lines_this_run - progress_lines) / dt);
        last_progress = now;
        progress_lines = result.lines_this_run;
      }
    }
  }
  if (options.progress) std::fputc('\n', stderr);
  if (!source->status().ok()) return source->status();
  result.stopped = options.stop != nullptr && options.stop->load();
  // A stopped run keeps its reorder buffer in the checkpoint; the end of input drains it.
  if (!result.stopped) (*engine)->Finish();
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
  if (stream_source != nullptr) {
    result.get_records_calls = stream_source->reader().stats().get_records_calls;
    result.stream_records = stream_source->reader().stats().records;
  }
  if (dynamodb_sink != nullptr) {
    result.dynamodb_alert_items = dynamodb_sink->alerts_written();
    result.dynamodb_score_items = dynamodb_sink->scores_written();
  }
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
