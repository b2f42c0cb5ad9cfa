// Append-only buffered NDJSON output files (alerts, dead letters) that can be cut back to a
// checkpointed size when the engine resumes after a crash.
//
// Resume contract: the engine calls Flush() (or Sync() for durability against power loss) and
// then records size() in its checkpoint; on restart it opens the file and calls
// TruncateTo(recorded size), which drops whatever was written after the checkpoint, so the file
// holds each record exactly once after replay.
#ifndef COATTAIL_IO_NDJSON_FILE_WRITER_H_
#define COATTAIL_IO_NDJSON_FILE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::io {

class NdjsonFileWriter {
 public:
  static constexpr size_t kDefaultBufferBytes = size_t{1} << 20;

  // Opens `path` for appending, creating it (mode 0644) if it does not exist. Existing content is
  // kept; size() starts at the current file size.
  static absl::StatusOr<std::unique_ptr<NdjsonFileWriter>> Open(
      const std::string& path, size_t buffer_bytes = kDefaultBufferBytes);

  // Flushes (errors ignored: call Close() to see them) and closes.
  ~NdjsonFileWriter();
  NdjsonFileWriter(const NdjsonFileWriter&) = delete;
  NdjsonFileWriter& operator=(const NdjsonFileWriter&) = delete;

  // Appends one record: `json` plus "\n". `json` must not contain a newline (JSON produced with
  // json_writer.h never does); such a record is refused with InvalidArgument.
  absl::Status Append(std::string_view json);

  // Writes buffered records to the file (the kernel's page cache).
  absl::Status Flush();
  // Flush() then fdatasync(2).
  absl::Status Sync();

  // Cuts the file back to `bytes` (flushing first). Fails with DataLoss if the file is shorter
  // than `bytes`: the records the checkpoint counted are gone and cannot be recreated here.
  absl::Status TruncateTo(int64_t bytes);

  // Flushes and closes; later Append/Flush/Sync/TruncateTo fail. Further Close() calls return OK.
  absl::Status Close();

  // Bytes in the file plus bytes buffered: the file's size after the next Flush().
  int64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  NdjsonFileWriter(int fd, std::string path, size_t buffer_bytes, int64_t size);
  absl::Status WriteAll(std::string_view data);
  // FailedPrecondition after Close(), else the sticky write error (OK if none).
  absl::Status CheckUsable() const;

  int fd_;
  std::string path_;
  size_t buffer_bytes_;
  std::string buffer_;
  int64_t size_;
  // First write error; the writer refuses further work after it (partial writes leave the file in
  // an unknown state that only a TruncateTo on restart can repair).
  absl::Status error_;
};

// Appends one dead-letter record, {"line":N,"reason":"...","raw":"..."}, without a newline: the
// format of the dead-letter file and of the dead-letter stream.
void AppendDeadLetterRecord(std::string& out, int64_t line_number, std::string_view reason,
                            std::string_view raw_line);

// The dead-letter file: one {"line":N,"reason":"...","raw":"..."} record per rejected input line,
// plus rejection counts per reason for the run summary.
class DeadLetterWriter {
 public:
  // Distinct reasons tracked in reason_counts(); later new reasons are counted under
  // kOtherReasons. Reasons can embed input text (e.g. "unknown field 'x'"), so without a cap
  // adversarial input could grow the map without bound.
  static constexpr size_t kMaxDistinctReasons = 1000;
  static constexpr std::string_view kOtherReasons = "other";

  static absl::StatusOr<std::unique_ptr<DeadLetterWriter>> Open(
      const std::string& path, size_t buffer_bytes = NdjsonFileWriter::kDefaultBufferBytes);

  // `raw_line` is written as a JSON string; bytes that are not valid UTF-8 become \ufffd.
  absl::Status Write(int64_t line_number, std::string_view reason, std::string_view raw_line);

  // Re-seeds a count from a checkpoint when resuming (adds to any count already present).
  void RestoreCount(std::string_view reason, int64_t count);

  const absl::flat_hash_map<std::string, int64_t>& reason_counts() const { return counts_; }
  // Sum of all counts (restored ones included).
  int64_t total() const { return total_; }

  NdjsonFileWriter& file() { return *file_; }
  absl::Status Flush() { return file_->Flush(); }
  absl::Status Sync() { return file_->Sync(); }
  absl::Status TruncateTo(int64_t bytes) { return file_->TruncateTo(bytes); }
  absl::Status Close() { return file_->Close(); }
  int64_t size() const { return file_->size(); }

 private:
  explicit DeadLetterWriter(std::unique_ptr<NdjsonFileWriter> file);
  void Count(std::string_view reason, int64_t count);

  std::unique_ptr<NdjsonFileWriter> file_;
  std::string record_;  // reused so that writing a record does not allocate
  absl::flat_hash_map<std::string, int64_t> counts_;
  int64_t total_ = 0;
};

}  // namespace coattail::io

#endif  // COATTAIL_IO_NDJSON_FILE_WRITER_H_
