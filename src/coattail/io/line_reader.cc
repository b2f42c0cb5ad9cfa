#include "coattail/io/line_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace coattail::io {

namespace {

ssize_t ReadRetrying(int fd, char* buf, size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                             LineReaderOptions options) {
  if (path == "-") return FromFd(STDIN_FILENO, /*owns_fd=*/false, "<stdin>", options);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  return FromFd(fd, /*owns_fd=*/true, path, options);
}

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::FromFd(int fd, bool owns_fd,
                                                               std::string name,
                                                               LineReaderOptions options) {
  // Construct first so that an owned descriptor is closed on every error path below.
  std::unique_ptr<LineReader> reader(new LineReader(fd, owns_fd, std::move(name), options));
  if (options.block_size == 0 || options.max_line_bytes == 0) {
    return absl::InvalidArgumentError("LineReader: block_size and max_line_bytes must be > 0");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat ", reader->name_));
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(reader->name_, " is a directory"));
  }
  if (S_ISREG(st.st_mode)) {
    // Offsets are relative to where reading starts, which for an inherited stdin need not be 0.
    const off_t here = ::lseek(fd, 0, SEEK_CUR);
    if (here < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot seek ", reader->name_));
    reader->seekable_base_ = static_cast<int64_t>(here);
    // Advisory only: a failure changes nothing but read-ahead.
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  // Room for a partial line of max_line_bytes + 1 (a trailing '\r' may still turn out to belong
  // to a "\r\n") plus one full block read behind it.
  reader->capacity_ = options.max_line_bytes + 2 + options.block_size;
  // Value-initialised: the padding is read by simdjson and must never be uninitialised memory.
  reader->buffer_ = std::make_unique<char[]>(reader->capacity_ + kLinePadding);
  return reader;
}

LineReader::LineReader(int fd, bool owns_fd, std::string name, LineReaderOptions options)
    : fd_(fd), owns_fd_(owns_fd), name_(std::move(name)), options_(options) {}

LineReader::~LineReader() {
  Unmap();
  if (owns_fd_) ::close(fd_);
}

void LineReader::Map() {
  map_tried_ = true;
  if (!options_.map_regular_files || seekable_base_ < 0 || pos_ != end_) return;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return;
  const int64_t start = seekable_base_ + consumed_;
  if (st.st_size <= start) return;
  page_size_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const int64_t aligned = start - start % static_cast<int64_t>(page_size_);
  const auto size = static_cast<size_t>(st.st_size - aligned);
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd_, static_cast<off_t>(aligned));
  if (m == MAP_FAILED) return;  // e.g. a file system without mmap: the buffered path reads it
  // Advisory only: more read-ahead, and pages behind the reader can be dropped first.
  (void)::madvise(m, size, MADV_SEQUENTIAL);
  map_ = static_cast<char*>(m);
  map_size_ = size;
  map_pos_ = static_cast<size_t>(start - aligned);
}

void LineReader::ReleaseMappedBehind(size_t line_start) {
  // Pages the reader has passed still count as this process's memory until it lets go of them;
  // they stay in the page cache. Done in large steps, and never for the line just handed out.
  constexpr size_t kReleaseStep = size_t{16} << 20;
  if (line_start - map_released_ < kReleaseStep) return;
  const size_t end = line_start - line_start % page_size_;
  (void)::madvise(map_ + map_released_, end - map_released_, MADV_DONTNEED);
  map_released_ = end;
}

void LineReader::Unmap() {
  if (map_ == nullptr) return;
  ::munmap(map_, map_size_);
  map_ = nullptr;
  map_size_ = 0;
  map_pos_ = 0;
  map_released_ = 0;
}

bool LineReader::NextMapped(Line& line) {
  const char* p = map_ + map_pos_;
  const size_t avail = map_size_ - map_pos_;
  if (avail > kLinePadding) {
    // A newline within max_line_bytes leaves a line that is not too long, with kLinePadding
    // mapped bytes after it.
    const size_t window = std::min(avail - kLinePadding, options_.max_line_bytes + 1);
    if (const void* nl = std::memchr(p, '\n', window); nl != nullptr) {
      const auto consumed = static_cast<size_t>(static_cast<const char*>(nl) - p) + 1;
      size_t length = consumed - 1;
      if (length > 0 && p[length - 1] == '\r') --length;
      line.text = std::string_view(p, length);
      line.too_long = false;
      line.number = ++line_number_;
      consumed_ += static_cast<int64_t>(consumed);
      line.end_offset = consumed_;
      map_pos_ += consumed;
      ++mapped_lines_;
      ReleaseMappedBehind(static_cast<size_t>(p - map_));
      return true;
    }
  }
  // The buffered path reads on from this line's first byte.
  Unmap();
  if (::lseek(fd_, static_cast<off_t>(seekable_base_ + consumed_), SEEK_SET) < 0) {
    status_ = absl::ErrnoToStatus(errno, absl::StrCat("cannot seek ", name_));
  }
  return false;
}

int64_t LineReader::Fill() {
  const size_t room = std::min(options_.block_size, capacity_ - end_);
  const ssize_t n = ReadRetrying(fd_, buffer_.get() + end_, room);
  if (n < 0) {
    status_ = absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", name_));
    return -1;
  }
  end_ += static_cast<size_t>(n);
  if (n == 0) eof_ = true;
  return static_cast<int64_t>(n);
}

void LineReader::Compact() {
  if (pos_ == 0) return;
  std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
  end_ -= pos_;
  scan_ -= pos_;
  pos_ = 0;
}

void LineReader::Emit(Line& line, size_t start, size_t length, size_t consumed) {
  if (length > 0 && buffer_[start + length - 1] == '\r') --length;
  line.too_long = length > options_.max_line_bytes;
  if (line.too_long) length = options_.max_line_bytes;
  line.text = std::string_view(buffer_.get() + start, length);
  line.number = ++line_number_;
  consumed_ += static_cast<int64_t>(consumed);
  line.end_offset = consumed_;
  pos_ = start + consumed;
  scan_ = pos_;
}

bool LineReader::Next(Line& line) {
  if (!status_.ok()) return false;
  started_ = true;
  if (!map_tried_) Map();
  if (map_ != nullptr) {
    if (NextMapped(line)) return true;
    if (!status_.ok()) return false;
  }
  for (;;) {
    if (scan_ < end_) {
      const void* nl = std::memchr(buffer_.get() + scan_, '\n', end_ - scan_);
      if (nl != nullptr) {
        const size_t nl_index = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.get());
        Emit(line, pos_, nl_index - pos_, nl_index - pos_ + 1);
        return true;
      }
      scan_ = end_;
    }
    if (eof_) {
      if (pos_ == end_) return false;
      Emit(line, pos_, end_ - pos_, end_ - pos_);
      return true;
    }
    if (end_ - pos_ > options_.max_line_bytes + 1) {
      // Content is longer than the limit whatever follows: keep its first max_line_bytes as the
      // view and drop the rest of the line without buffering it.
      Compact();
      return ReturnTooLongLine(line);
    }
    if (capacity_ - end_ < options_.block_size) Compact();
    if (Fill() < 0) return false;
  }
}

bool LineReader::ReturnTooLongLine(Line& line) {
  // The line starts at buffer_[0] (compacted) and has no newline in [0, end_).
  const size_t keep = options_.max_line_bytes;
  size_t line_bytes = end_;
  end_ = keep;
  for (;;) {
    if (Fill() < 0) return false;
    if (eof_) {
      scan_ = end_;
      break;
    }
    const void* nl = std::memchr(buffer_.get() + keep, '\n', end_ - keep);
    if (nl != nullptr) {
      const size_t nl_index = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.get());
      line_bytes += nl_index - keep + 1;
      line.too_long = true;
      line.text = std::string_view(buffer_.get(), keep);
      line.number = ++line_number_;
      consumed_ += static_cast<int64_t>(line_bytes);
      line.end_offset = consumed_;
      pos_ = nl_index + 1;
      scan_ = pos_;
      return true;
    }
    line_bytes += end_ - keep;
    end_ = keep;
  }
  // The over-long line is the last one and has no newline.
  line.too_long = true;
  line.text = std::string_view(buffer_.get(), keep);
  line.number = ++line_number_;
  consumed_ += static_cast<int64_t>(line_bytes);
  line.end_offset = consumed_;
  pos_ = end_;
  scan_ = end_;
  return true;
}

absl::Status LineReader::SkipTo(int64_t byte_offset, int64_t line_number) {
  if (started_) {
    return absl::FailedPreconditionError("LineReader::SkipTo must come before the first Next()");
  }
  if (byte_offset < 0 || line_number < 0 || (byte_offset == 0 && line_number != 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid resume position: offset ", byte_offset, ", line ", line_number));
  }
  started_ = true;
  if (byte_offset == 0) return absl::OkStatus();

  char last_byte = '\n';
  bool at_end_of_input = false;
  if (seekable_base_ >= 0) {
    struct stat st {};
    if (::fstat(fd_, &st) != 0)
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat ", name_));
    const int64_t size = static_cast<int64_t>(st.st_size) - seekable_base_;
    if (size < byte_offset) {
      return absl::FailedPreconditionError(
          absl::StrCat(name_, " has ", size, " bytes, fewer than the resume offset ", byte_offset));
    }
    at_end_of_input = size == byte_offset;
    const off_t target = static_cast<off_t>(seekable_base_ + byte_offset);
    if (::pread(fd_, &last_byte, 1, target - 1) != 1) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", name_));
    }
    if (::lseek(fd_, target, SEEK_SET) < 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot seek ", name_));
    }
  } else {
    int64_t remaining = byte_offset;
    while (remaining > 0) {
      const size_t want =
          static_cast<size_t>(std::min<int64_t>(remaining, static_cast<int64_t>(capacity_)));
      const ssize_t n = ReadRetrying(fd_, buffer_.get(), want);
      if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", name_));
      if (n == 0) {
        return absl::FailedPreconditionError(
            absl::StrCat(name_, " ended after ", byte_offset - remaining,
                         " bytes, before the resume offset ", byte_offset));
      }
      last_byte = buffer_[static_cast<size_t>(n) - 1];
      remaining -= n;
    }
    if (last_byte != '\n') {
      // Only a final line without a newline may end off a newline: the input must end here.
      if (Fill() < 0) return status_;
      at_end_of_input = eof_;
    }
  }
  if (last_byte != '\n' && !at_end_of_input) {
    return absl::FailedPreconditionError(
        absl::StrCat("resume offset ", byte_offset, " in ", name_, " is not at a line boundary"));
  }
  consumed_ = byte_offset;
  line_number_ = line_number;
  return absl::OkStatus();
}

}  // namespace coattail::io
