#include "coattail/pipeline/source.h"

#include <fcntl.h>
#include <unistd.h>

#include <string_view>
#include <utility>
#include <vector>

#include "coattail/aws/env.h"
#include "coattail/aws/kinesis.h"
#include "coattail/base/status_macros.h"
#include "coattail/engine/hash.h"
#include "coattail/stream/kinesis_source.h"

namespace coattail::pipeline {
namespace {

class FileSource : public Source {
 public:
  static absl::StatusOr<std::unique_ptr<Source>> Open(const std::string& path,
                                                      const store::Checkpoint* resume) {
    ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::Open(path));
    auto source = std::unique_ptr<FileSource>(new FileSource(std::move(reader)));
    if (resume != nullptr) {
      RETURN_IF_ERROR(source->reader_->SkipTo(resume->input_offset, resume->input_line));
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
  void SavePosition(store::Checkpoint& checkpoint) const override {
    checkpoint.input_offset = offset_;
    checkpoint.input_line = line_;
  }

 private:
  explicit FileSource(std::unique_ptr<io::LineReader> reader) : reader_(std::move(reader)) {}
  std::unique_ptr<io::LineReader> reader_;
  int64_t offset_ = 0;
  int64_t line_ = 0;
};

// Events of a Kinesis stream, every shard merged by event time.
class StreamSource : public Source {
 public:
  static absl::StatusOr<std::unique_ptr<Source>> Open(const std::string& stream,
                                                      SourceOptions options,
                                                      const store::Checkpoint* resume) {
    ASSIGN_OR_RETURN(aws::KinesisClient kinesis, aws::KinesisClient::FromEnv(aws::Env::Process()));
    auto source = std::unique_ptr<StreamSource>(new StreamSource(std::move(kinesis)));
    stream::KinesisSourceOptions reader_options;
    reader_options.stream = stream;
    reader_options.idle_exit = options.idle_exit;
    reader_options.stop = options.stop;
    reader_options.while_waiting = std::move(options.while_waiting);
    ASSIGN_OR_RETURN(source->reader_, stream::KinesisSource::Create(
                                          &source->kinesis_, std::move(reader_options),
                                          resume != nullptr ? resume->shard_positions
                                                            : std::vector<store::ShardPosition>()));
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
  void SavePosition(store::Checkpoint& checkpoint) const override {
    checkpoint.input_line = line_;
    checkpoint.shard_positions = reader_->Positions();
  }
  [[nodiscard]] SourceStats stats() const override {
    return {reader_->stats().get_records_calls, reader_->stats().records};
  }

 private:
  explicit StreamSource(aws::KinesisClient kinesis) : kinesis_(std::move(kinesis)) {}
  aws::KinesisClient kinesis_;  // the reader's client: declared first, destroyed last
  std::unique_ptr<stream::KinesisSource> reader_;
  int64_t line_ = 0;
};

}  // namespace

std::string StreamOf(const std::string& input) {
  constexpr std::string_view kPrefix = "kinesis:";
  if (input.size() <= kPrefix.size() || input.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  return input.substr(kPrefix.size());
}

std::string InputFingerprint(const std::string& input) {
  if (input == "-" || !StreamOf(input).empty()) return "";
  const int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string head(size_t{64} * 1024, '\0');
  const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  ::close(fd);
  head.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return engine::Fingerprint128(head, 0x696e707574ULL /* "input" */).Hex();
}

absl::StatusOr<std::unique_ptr<Source>> OpenSource(SourceOptions options,
                                                   const store::Checkpoint* resume) {
  const std::string stream = StreamOf(options.input);
  if (stream.empty()) return FileSource::Open(options.input, resume);
  return StreamSource::Open(stream, std::move(options), resume);
}

}  // namespace coattail::pipeline
