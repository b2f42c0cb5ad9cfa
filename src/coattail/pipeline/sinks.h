// Where the pipeline's results go: the alerts NDJSON file (and the batch of alerts the next
// checkpoint commits to the store), the dead-letter file, DynamoDB, and the per-wallet moments CSV.
// The files are cut back to their checkpointed sizes on resume: whatever was written after a
// checkpoint is written again, identically, by the resumed run.
#ifndef COATTAIL_PIPELINE_SINKS_H_
#define COATTAIL_PIPELINE_SINKS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/engine/engine.h"
#include "coattail/io/ndjson_file_writer.h"
#include "coattail/stream/dynamodb_sink.h"

namespace coattail::pipeline {

// The engine's alerts: each one is appended to the alerts file, when there is one, and kept with
// the retractions until the next checkpoint commits the batch.
class AlertsSink final : public engine::AlertSink {
 public:
  // `path` empty: no file; alerts are only collected.
  static absl::StatusOr<std::unique_ptr<AlertsSink>> Open(const std::string& path);

  void OnAlert(const engine::Alert& alert) override;
  void OnAlertRetracted(std::string_view alert_id, int64_t line) override;

  // The first write error since the sink opened (the engine's callbacks cannot return one).
  [[nodiscard]] const absl::Status& status() const { return status_; }
  // Cuts the file back to `bytes`: its size at the checkpoint resumed from, or 0.
  absl::Status TruncateTo(int64_t bytes);
  absl::Status Sync();  // flush and fsync
  [[nodiscard]] int64_t size() const { return file_ != nullptr ? file_->size() : 0; }

  // The batch since the last commit.
  [[nodiscard]] const std::vector<engine::Alert>& pending() const { return pending_; }
  [[nodiscard]] const std::vector<std::string>& retracted() const { return retracted_; }
  void ClearBatch();

 private:
  explicit AlertsSink(std::unique_ptr<io::NdjsonFileWriter> file) : file_(std::move(file)) {}
  void Record(absl::Status s);

  std::unique_ptr<io::NdjsonFileWriter> file_;  // null without an alerts file
  std::string scratch_;
  std::vector<engine::Alert> pending_;
  std::vector<std::string> retracted_;
  absl::Status status_;
};

// Rejected lines, one NDJSON record each, with counts per reason.
class DeadLetterSink final : public engine::RejectSink {
 public:
  static absl::StatusOr<std::unique_ptr<DeadLetterSink>> Open(const std::string& path);

  void OnReject(int64_t line, std::string_view reason, std::string_view raw) override;

  // The first write error since the sink opened.
  [[nodiscard]] const absl::Status& status() const { return status_; }
  // Cuts the file back to `bytes`: its size at the checkpoint resumed from, or 0.
  absl::Status TruncateTo(int64_t bytes);
  // Re-seeds the per-reason counts from the checkpoint resumed from.
  void RestoreCounts(const std::vector<std::pair<std::string, int64_t>>& counts);
  absl::Status Sync();  // flush and fsync
  [[nodiscard]] int64_t size() const { return writer_->size(); }
  // Rejections per reason, restored ones included, sorted by reason.
  [[nodiscard]] std::vector<std::pair<std::string, int64_t>> ReasonCounts() const;

 private:
  explicit DeadLetterSink(std::unique_ptr<io::DeadLetterWriter> writer)
      : writer_(std::move(writer)) {}

  std::unique_ptr<io::DeadLetterWriter> writer_;
  absl::Status status_;
};

// `--sink dynamodb:TABLE`: alerts, and the final scores with a scores table, also go to DynamoDB.
class DynamoDbOutput {
 public:
  // Null when `sink` is empty. `sink` must be "dynamodb:TABLE"; `scores_table` needs a sink. The
  // client's settings come from the process environment.
  static absl::StatusOr<std::unique_ptr<DynamoDbOutput>> Open(const std::string& sink,
                                                              const std::string& scores_table);
  DynamoDbOutput(const DynamoDbOutput&) = delete;
  DynamoDbOutput& operator=(const DynamoDbOutput&) = delete;

  [[nodiscard]] stream::DynamoDbSink& writer() { return writer_; }

 private:
  DynamoDbOutput(aws::DynamoDbClient client, stream::DynamoDbSinkOptions options)
      : client_(std::move(client)), writer_(&client_, std::move(options)) {}

  aws::DynamoDbClient client_;
  stream::DynamoDbSink writer_;  // writes through client_
};

// Writes the raw per-wallet moments as CSV (wallet,horizon_ms,n,mean,variance).
absl::Status ExportStats(const engine::Engine& engine, const std::string& path);

}  // namespace coattail::pipeline

#endif  // COATTAIL_PIPELINE_SINKS_H_
