// NDJSON line reader for a file or standard input.
//
// A regular file is memory-mapped and its lines are handed out in place, with no copy; pipes,
// terminals, the last few bytes of a file, and lines too long for the limit go through a block
// buffer filled by read(2). Either way each line is followed by at least kLinePadding readable
// bytes, so coattail::event::EventParser can parse it in place (its padding contract). A view is
// valid until the next call to Next() or SkipTo().
#ifndef COATTAIL_IO_LINE_READER_H_
#define COATTAIL_IO_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::io {

// Readable bytes guaranteed after every Line::text (>= simdjson::SIMDJSON_PADDING; a test checks).
inline constexpr size_t kLinePadding = 64;

// The dead-letter reason for a Line with too_long set.
inline constexpr std::string_view kLineTooLongReason = "line too long";

struct LineReaderOptions {
  // Bytes requested per read(2).
  size_t block_size = size_t{1} << 20;
  // Lines whose content (without "\n" or "\r\n") is longer than this are returned truncated to
  // this many bytes with too_long set. Bounds memory on input without newlines.
  size_t max_line_bytes = size_t{1} << 20;
  // Map regular files instead of copying them through the buffer (the bytes handed out are the
  // same; only the copy is saved). A file that grows while it is read is still read to its end.
  bool map_regular_files = true;
};

struct Line {
  // Content without the line terminator ("\n" or "\r\n"). Truncated to max_line_bytes when
  // too_long is set.
  std::string_view text;
  // 1-based; every line counts, empty and too-long ones included.
  int64_t number = 0;
  // Byte offset in the input just past this line's newline (or the end of input for a final line
  // without one). Resuming with SkipTo(end_offset, number) continues with the next line.
  int64_t end_offset = 0;
  bool too_long = false;
};

class LineReader {
 public:
  // Opens `path` for reading, or standard input when path is "-" (not closed by the reader).
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                          LineReaderOptions options = {});
  // Reads from an already open descriptor; takes ownership when `owns_fd`. For tests and callers
  // that open the input themselves.
  static absl::StatusOr<std::unique_ptr<LineReader>> FromFd(int fd, bool owns_fd, std::string name,
                                                            LineReaderOptions options = {});

  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Returns the next line, or false at end of input or on a read error (then status() says why).
  bool Next(Line& line);

  // OK unless a read failed.
  absl::Status status() const { return status_; }

  // Positions the reader after the checkpointed line: `byte_offset` and `line_number` are the
  // end_offset and number of the last line already processed, so the next line returned is
  // number line_number + 1 starting at byte_offset. Regular files seek; pipes and terminals read
  // and discard. Only valid before the first Next(). Fails if the input ends before byte_offset
  // or byte_offset is not at a line boundary (the byte before it is not a newline and it is not
  // the end of input), which means the input is not the one the checkpoint was taken on.
  absl::Status SkipTo(int64_t byte_offset, int64_t line_number);

  const std::string& name() const { return name_; }
  // Lines handed out in place from the file mapping (the rest came through the buffer).
  int64_t mapped_lines() const { return mapped_lines_; }

 private:
  LineReader(int fd, bool owns_fd, std::string name, LineReaderOptions options);

  // Maps the rest of a regular file from the current position; leaves map_ null when it cannot.
  void Map();
  // The next line from the mapping. False when the line is not complete in the mapping with its
  // padding, or is too long: the mapping is dropped and the buffered path continues at that line.
  bool NextMapped(Line& line);
  void Unmap();
  // Drops the pages wholly before line_start from this process's resident set.
  void ReleaseMappedBehind(size_t line_start);
  // Appends up to block_size bytes at end_. Returns bytes read (0 at end of input), -1 on error.
  int64_t Fill();
  // Moves the unconsumed bytes [pos_, end_) to the start of the buffer.
  void Compact();
  // Hands out the line at buffer_[start] of `length` bytes (terminator excluded) whose
  // terminator makes `consumed` bytes of input in total.
  void Emit(Line& line, size_t start, size_t length, size_t consumed);
  // For a line at buffer_[0] already longer than the limit: returns its first max_line_bytes and
  // discards the rest of it up to and including its newline.
  bool ReturnTooLongLine(Line& line);

  int fd_;
  bool owns_fd_;
  std::string name_;
  LineReaderOptions options_;

  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;  // usable bytes, excluding the trailing kLinePadding
  size_t pos_ = 0;       // first unconsumed byte
  size_t end_ = 0;       // end of valid data
  size_t scan_ = 0;      // bytes in [pos_, scan_) are known to contain no newline
  bool eof_ = false;
  bool started_ = false;
  int64_t line_number_ = 0;
  int64_t consumed_ = 0;        // input bytes before buffer_[pos_]
  int64_t seekable_base_ = -1;  // regular files: descriptor offset where reading began
  bool map_tried_ = false;
  char* map_ = nullptr;  // page-aligned start of the mapping, or null
  size_t map_size_ = 0;
  size_t map_pos_ = 0;       // next unread byte, relative to map_
  size_t page_size_ = 4096;  // set by Map()
  size_t map_released_ = 0;  // bytes at the start of the mapping given back (MADV_DONTNEED)
  int64_t mapped_lines_ = 0;
  absl::Status status_;
};

}  // namespace coattail::io

#endif  // COATTAIL_IO_LINE_READER_H_
