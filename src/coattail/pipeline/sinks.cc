#include "coattail/pipeline/sinks.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/aws/env.h"
#include "coattail/base/status_macros.h"
#include "coattail/pipeline/json_format.h"

namespace coattail::pipeline {

absl::StatusOr<std::unique_ptr<AlertsSink>> AlertsSink::Open(const std::string& path) {
  std::unique_ptr<io::NdjsonFileWriter> file;
  if (!path.empty()) {
    ASSIGN_OR_RETURN(file, io::NdjsonFileWriter::Open(path));
  }
  return std::unique_ptr<AlertsSink>(new AlertsSink(std::move(file)));
}

void AlertsSink::OnAlert(const engine::Alert& alert) {
  if (file_ != nullptr) {
    scratch_.clear();
    AppendAlertJson(scratch_, alert);
    Record(file_->Append(scratch_));
  }
  pending_.push_back(alert);
}

void AlertsSink::OnAlertRetracted(std::string_view alert_id, int64_t line) {
  if (file_ != nullptr) {
    scratch_.clear();
    AppendAlertRetractionJson(scratch_, alert_id, line);
    Record(file_->Append(scratch_));
  }
  retracted_.emplace_back(alert_id);
}

absl::Status AlertsSink::TruncateTo(int64_t bytes) {
  if (file_ == nullptr) return absl::OkStatus();
  return file_->TruncateTo(bytes);
}

absl::Status AlertsSink::Sync() {
  if (file_ == nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(file_->Flush());
  return file_->Sync();
}

void AlertsSink::ClearBatch() {
  pending_.clear();
  retracted_.clear();
}

void AlertsSink::Record(absl::Status s) {
  if (status_.ok() && !s.ok()) status_ = std::move(s);
}

absl::StatusOr<std::unique_ptr<DeadLetterSink>> DeadLetterSink::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<io::DeadLetterWriter> writer, io::DeadLetterWriter::Open(path));
  return std::unique_ptr<DeadLetterSink>(new DeadLetterSink(std::move(writer)));
}

void DeadLetterSink::OnReject(int64_t line, std::string_view reason, std::string_view raw) {
  absl::Status s = writer_->Write(line, reason, raw);
  if (status_.ok() && !s.ok()) status_ = std::move(s);
}

absl::Status DeadLetterSink::TruncateTo(int64_t bytes) { return writer_->TruncateTo(bytes); }

void DeadLetterSink::RestoreCounts(const std::vector<std::pair<std::string, int64_t>>& counts) {
  for (const auto& [reason, count] : counts) writer_->RestoreCount(reason, count);
}

absl::Status DeadLetterSink::Sync() {
  RETURN_IF_ERROR(writer_->Flush());
  return writer_->Sync();
}

std::vector<std::pair<std::string, int64_t>> DeadLetterSink::ReasonCounts() const {
  std::vector<std::pair<std::string, int64_t>> out(writer_->reason_counts().begin(),
                                                   writer_->reason_counts().end());
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::unique_ptr<DynamoDbOutput>> DynamoDbOutput::Open(
    const std::string& sink, const std::string& scores_table) {
  if (sink.empty()) {
    if (!scores_table.empty()) {
      return absl::InvalidArgumentError("--scores-table needs --sink dynamodb:TABLE");
    }
    return nullptr;
  }
  constexpr std::string_view kPrefix = "dynamodb:";
  if (sink.size() <= kPrefix.size() || sink.compare(0, kPrefix.size(), kPrefix) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sink must be dynamodb:TABLE, got '", sink, "'"));
  }
  ASSIGN_OR_RETURN(aws::DynamoDbClient client, aws::DynamoDbClient::FromEnv(aws::Env::Process()));
  stream::DynamoDbSinkOptions options;
  options.alerts_table = sink.substr(kPrefix.size());
  options.scores_table = scores_table;
  return std::unique_ptr<DynamoDbOutput>(new DynamoDbOutput(std::move(client), std::move(options)));
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

}  // namespace coattail::pipeline
