#include "coattail/io/ndjson_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/io/json_writer.h"

namespace coattail::io {

absl::StatusOr<std::unique_ptr<NdjsonFileWriter>> NdjsonFileWriter::Open(const std::string& path,
                                                                         size_t buffer_bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int saved = errno;
    ::close(fd);
    return absl::ErrnoToStatus(saved, absl::StrCat("cannot stat ", path));
  }
  if (!S_ISREG(st.st_mode)) {
    // A FIFO or device has no size to checkpoint or truncate back to.
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  return std::unique_ptr<NdjsonFileWriter>(
      new NdjsonFileWriter(fd, path, buffer_bytes, static_cast<int64_t>(st.st_size)));
}

NdjsonFileWriter::NdjsonFileWriter(int fd, std::string path, size_t buffer_bytes, int64_t size)
    : fd_(fd), path_(std::move(path)), buffer_bytes_(buffer_bytes), size_(size) {
  buffer_.reserve(buffer_bytes_);
}

NdjsonFileWriter::~NdjsonFileWriter() { (void)Close(); }

absl::Status NdjsonFileWriter::WriteAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path_));
      return error_;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status NdjsonFileWriter::Append(std::string_view json) {
  if (absl::Status s = CheckUsable(); !s.ok()) return s;
  if (std::memchr(json.data(), '\n', json.size()) != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("record for ", path_, " contains a newline and would split into two lines"));
  }
  if (buffer_.size() + json.size() + 1 > buffer_bytes_) {
    if (absl::Status s = Flush(); !s.ok()) return s;
  }
  buffer_.append(json);
  buffer_.push_back('\n');
  size_ += static_cast<int64_t>(json.size()) + 1;
  // A record larger than the buffer goes straight out rather than growing the buffer.
  if (buffer_.size() > buffer_bytes_) return Flush();
  return absl::OkStatus();
}

absl::Status NdjsonFileWriter::Flush() {
  if (absl::Status s = CheckUsable(); !s.ok()) return s;
  if (buffer_.empty()) return absl::OkStatus();
  absl::Status s = WriteAll(buffer_);
  buffer_.clear();
  return s;
}

absl::Status NdjsonFileWriter::Sync() {
  if (absl::Status s = Flush(); !s.ok()) return s;
  if (::fdatasync(fd_) != 0) {
    error_ = absl::ErrnoToStatus(errno, absl::StrCat("cannot sync ", path_));
    return error_;
  }
  return absl::OkStatus();
}

absl::Status NdjsonFileWriter::TruncateTo(int64_t bytes) {
  if (bytes < 0) return absl::InvalidArgumentError(absl::StrCat("negative size ", bytes));
  if (absl::Status s = Flush(); !s.ok()) return s;
  struct stat st {};
  if (::fstat(fd_, &st) != 0)
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat ", path_));
  if (static_cast<int64_t>(st.st_size) < bytes) {
    return absl::DataLossError(
        absl::StrCat(path_, " has ", st.st_size, " bytes, fewer than the checkpointed ", bytes));
  }
  if (::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) {
    error_ = absl::ErrnoToStatus(errno, absl::StrCat("cannot truncate ", path_));
    return error_;
  }
  size_ = bytes;
  return absl::OkStatus();
}

absl::Status NdjsonFileWriter::Close() {
  if (fd_ < 0) return absl::OkStatus();
  absl::Status s = Flush();
  if (::close(fd_) != 0 && s.ok()) {
    s = absl::ErrnoToStatus(errno, absl::StrCat("cannot close ", path_));
  }
  fd_ = -1;
  return s;
}

absl::Status NdjsonFileWriter::CheckUsable() const {
  if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat(path_, " is closed"));
  return error_;
}

absl::StatusOr<std::unique_ptr<DeadLetterWriter>> DeadLetterWriter::Open(const std::string& path,
                                                                         size_t buffer_bytes) {
  absl::StatusOr<std::unique_ptr<NdjsonFileWriter>> file =
      NdjsonFileWriter::Open(path, buffer_bytes);
  if (!file.ok()) return file.status();
  return std::unique_ptr<DeadLetterWriter>(new DeadLetterWriter(*std::move(file)));
}

DeadLetterWriter::DeadLetterWriter(std::unique_ptr<NdjsonFileWriter> file)
    : file_(std::move(file)) {}

void AppendDeadLetterRecord(std::string& out, int64_t line_number, std::string_view reason,
                            std::string_view raw_line) {
  out.append("{\"line\":");
  AppendInt(out, line_number);
  out.append(",\"reason\":");
  AppendJsonString(out, reason);
  out.append(",\"raw\":");
  AppendJsonString(out, raw_line);
  out.push_back('}');
}

absl::Status DeadLetterWriter::Write(int64_t line_number, std::string_view reason,
                                     std::string_view raw_line) {
  record_.clear();
  AppendDeadLetterRecord(record_, line_number, reason, raw_line);
  if (absl::Status s = file_->Append(record_); !s.ok()) return s;
  Count(reason, 1);
  return absl::OkStatus();
}

void DeadLetterWriter::RestoreCount(std::string_view reason, int64_t count) {
  Count(reason, count);
}

void DeadLetterWriter::Count(std::string_view reason, int64_t count) {
  total_ += count;
  if (auto it = counts_.find(base::ToAbsl(reason)); it != counts_.end()) {
    it->second += count;
    return;
  }
  if (counts_.size() >= kMaxDistinctReasons) reason = kOtherReasons;
  counts_[std::string(reason)] += count;
}

}  // namespace coattail::io
