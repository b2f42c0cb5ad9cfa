// Where the pipeline's lines come from: an NDJSON file or standard input, or every shard of a
// Kinesis stream. A source opens at a checkpoint's input position and writes its current position
// into the next checkpoint, so a resumed run reads exactly the lines the stopped one did not.
#ifndef COATTAIL_PIPELINE_SOURCE_H_
#define COATTAIL_PIPELINE_SOURCE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/io/line_reader.h"
#include "coattail/store/checkpoint.h"

namespace coattail::pipeline {

// "kinesis:NAME" -> "NAME"; empty when `input` is not a stream.
std::string StreamOf(const std::string& input);

// Identifies the input across restarts, so a resumed run reads the same bytes it stopped in: a
// hash of a file's first 64 KiB; "" for standard input, a stream, or a file that cannot be read.
std::string InputFingerprint(const std::string& input);

// Stream figures for the run summary; zero for a file.
struct SourceStats {
  int64_t get_records_calls = 0;
  int64_t records = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // The next line, followed by io::kLinePadding readable bytes; false at the end or on error. A
  // stream event's line number is its ordinal in the run's input.
  virtual bool Next(io::Line& line) = 0;
  [[nodiscard]] virtual absl::Status status() const = 0;
  // Writes the position after the last line handed out into `checkpoint`.
  virtual void SavePosition(store::Checkpoint& checkpoint) const = 0;
  [[nodiscard]] virtual SourceStats stats() const { return {}; }
};

struct SourceOptions {
  std::string input;  // "FILE", "-" (standard input) or "kinesis:STREAM"
  // Stream input only: see KinesisSourceOptions.
  std::chrono::milliseconds idle_exit{0};
  const std::atomic<bool>* stop = nullptr;
  std::function<absl::Status()> while_waiting;
};

// Opens the input at `resume`'s position, or at its start when `resume` is null.
absl::StatusOr<std::unique_ptr<Source>> OpenSource(SourceOptions options,
                                                   const store::Checkpoint* resume);

}  // namespace coattail::pipeline

#endif  // COATTAIL_PIPELINE_SOURCE_H_
