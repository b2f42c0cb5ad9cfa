#include "coattail/io/line_reader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::io {
namespace {

using ::testing::HasSubstr;

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING,
              "lines must be parseable in place by simdjson");

struct OwnedLine {
  std::string text;
  int64_t number;
  int64_t end_offset;
  bool too_long;

  bool operator==(const OwnedLine&) const = default;
};

std::ostream& operator<<(std::ostream& os, const OwnedLine& l) {
  return os << "{\"" << l.text << "\", #" << l.number << ", end " << l.end_offset
            << (l.too_long ? ", too long}" : "}");
}

// What the reader must produce for `content`, computed the obvious way.
std::vector<OwnedLine> ReferenceSplit(std::string_view content, size_t max_line,
                                      int64_t first_number = 1, int64_t base_offset = 0) {
  std::vector<OwnedLine> lines;
  size_t pos = 0;
  int64_t number = first_number;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    const size_t stop = nl == std::string_view::npos ? content.size() : nl;
    const size_t next = nl == std::string_view::npos ? content.size() : nl + 1;
    std::string_view text = content.substr(pos, stop - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const bool too_long = text.size() > max_line;
    if (too_long) text = text.substr(0, max_line);
    lines.push_back(
        {std::string(text), number++, base_offset + static_cast<int64_t>(next), too_long});
    pos = next;
  }
  return lines;
}

// Reads every line, touching all padding bytes after each (ASan flags any that are not there).
std::vector<OwnedLine> ReadAll(LineReader& reader) {
  std::vector<OwnedLine> lines;
  Line line;
  while (reader.Next(line)) {
    unsigned sum = 0;
    for (size_t i = 0; i < kLinePadding; ++i) {
      sum += static_cast<unsigned char>(line.text.data()[line.text.size() + i]);
    }
    EXPECT_GE(sum, 0u);
    lines.push_back({std::string(line.text), line.number, line.end_offset, line.too_long});
  }
  EXPECT_TRUE(reader.status().ok()) << reader.status();
  return lines;
}

class LineReaderTest : public ::testing::Test {
 protected:
  std::string WriteFile(std::string_view content) {
    std::string path = absl::StrCat(::testing::TempDir(), "line_reader_test_", getpid(), "_",
                                    counter_++, ".ndjson");
    FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(std::fwrite(content.data(), 1, content.size(), f), content.size());
    std::fclose(f);
    paths_.push_back(path);
    return path;
  }

  std::unique_ptr<LineReader> OpenFile(std::string_view content, LineReaderOptions options = {}) {
    absl::StatusOr<std::unique_ptr<LineReader>> reader =
        LineReader::Open(WriteFile(content), options);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? *std::move(reader) : nullptr;
  }

  void TearDown() override {
    for (const std::string& p : paths_) std::remove(p.c_str());
  }

  int counter_ = 0;
  std::vector<std::string> paths_;
};

// Writes `content` into a pipe from another thread (pipes hold only 64 KiB) and returns a reader
// of its other end.
class PipeSource {
 public:
  explicit PipeSource(std::string content) : content_(std::move(content)) {
    // A test that stops reading early closes the pipe under the writer: make that EPIPE, not a
    // process-killing SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    read_fd_ = fds[0];
    writer_ = std::thread([this, fd = fds[1]] {
      std::string_view rest = content_;
      while (!rest.empty()) {
        const ssize_t n = write(fd, rest.data(), rest.size());
        if (n <= 0) break;  // reader closed early
        rest.remove_prefix(static_cast<size_t>(n));
      }
      close(fd);
    });
  }
  ~PipeSource() {
    reader_.reset();  // closes the read end, unblocking a writer the test did not drain
    writer_.join();
  }

  LineReader& Open(LineReaderOptions options = {}) {
    absl::StatusOr<std::unique_ptr<LineReader>> reader =
        LineReader::FromFd(read_fd_, /*owns_fd=*/true, "<pipe>", options);
    EXPECT_TRUE(reader.ok()) << reader.status();
    reader_ = *std::move(reader);
    return *reader_;
  }

 private:
  std::string content_;
  int read_fd_ = -1;
  std::thread writer_;
  std::unique_ptr<LineReader> reader_;
};

TEST_F(LineReaderTest, SplitsLinesAndCountsEmptyOnes) {
  auto reader = OpenFile("{\"a\":1}\n\nxyz\n   \nlast");
  const std::vector<OwnedLine> expected = {
      {"{\"a\":1}", 1, 8, false}, {"", 2, 9, false},      {"xyz", 3, 13, false},
      {"   ", 4, 17, false},      {"last", 5, 21, false},
  };
  EXPECT_EQ(ReadAll(*reader), expected);
  Line line;
  EXPECT_FALSE(reader->Next(line));  // stays at EOF
}

TEST_F(LineReaderTest, EmptyInputAndLoneNewline) {
  EXPECT_TRUE(ReadAll(*OpenFile("")).empty());
  const std::vector<OwnedLine> one_empty = {{"", 1, 1, false}};
  EXPECT_EQ(ReadAll(*OpenFile("\n")), one_empty);
}

TEST_F(LineReaderTest, StripsCrOfCrlfOnly) {
  const std::vector<OwnedLine> expected = {
      {"a", 1, 3, false}, {"b\rc", 2, 8, false}, {"", 3, 10, false}, {"d", 4, 12, false}};
  EXPECT_EQ(ReadAll(*OpenFile("a\r\nb\rc\r\n\r\nd\r")), expected);
}

TEST_F(LineReaderTest, TooLongLinesAreFlaggedAndTruncatedNotDropped) {
  const std::string content =
      absl::StrCat("short\n", std::string(25, 'x'), "\nafter\n", std::string(10, 'y'), "\r\n",
                   std::string(11, 'z'), "\n", std::string(30, 'w'));
  const std::vector<OwnedLine> expected = {
      {"short", 1, 6, false},
      {std::string(10, 'x'), 2, 32, true},
      {"after", 3, 38, false},
      {std::string(10, 'y'), 4, 50, false},  // exactly the limit, with CRLF
      {std::string(10, 'z'), 5, 62, true},
      {std::string(10, 'w'), 6, 92, true},  // final line without newline
  };
  ASSERT_EQ(ReferenceSplit(content, 10), expected);
  // Large blocks find the newline in the buffer; tiny blocks take the streaming discard path.
  for (size_t block : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{1} << 20}) {
    SCOPED_TRACE(block);
    EXPECT_EQ(ReadAll(*OpenFile(content, {.block_size = block, .max_line_bytes = 10})), expected);
  }
}

TEST_F(LineReaderTest, MegabyteLineWithoutNewlineAtDefaultLimits) {
  const std::string content = absl::StrCat("{\"a\":1}\n", std::string(3 << 20, '{'), "\n{\"b\":2}");
  const std::vector<OwnedLine> lines = ReadAll(*OpenFile(content));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[1].too_long);
  EXPECT_EQ(lines[1].text.size(), size_t{1} << 20);
  EXPECT_EQ(lines[1].end_offset, 8 + (3 << 20) + 1);
  EXPECT_EQ(lines[2], (OwnedLine{"{\"b\":2}", 3, static_cast<int64_t>(content.size()), false}));
}

TEST_F(LineReaderTest, MatchesReferenceForManyBlockSizes) {
  std::string content;
  for (int i = 0; i < 300; ++i) {
    const int len = (i * 37) % 53;
    content += std::string(static_cast<size_t>(len), static_cast<char>('a' + i % 26));
    content += (i % 5 == 0) ? "\r\n" : "\n";
    if (i % 11 == 0) content += "\n";
  }
  content += "tail";
  const std::vector<OwnedLine> expected = ReferenceSplit(content, 40);
  for (size_t block = 1; block <= 70; block += 3) {
    SCOPED_TRACE(block);
    EXPECT_EQ(ReadAll(*OpenFile(content, {.block_size = block, .max_line_bytes = 40})), expected);
  }
}

TEST_F(LineReaderTest, OpenErrors) {
  EXPECT_EQ(LineReader::Open("/nonexistent/dir/x.ndjson").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LineReader::Open(::testing::TempDir()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LineReader::Open(WriteFile("x"), {.block_size = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(LineReaderTest, ReadErrorIsReportedNotTreatedAsEof) {
  const int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto reader = LineReader::FromFd(fd, /*owns_fd=*/true, "/dev/null(write-only)");
  ASSERT_TRUE(reader.ok());
  Line line;
  EXPECT_FALSE((*reader)->Next(line));
  EXPECT_FALSE((*reader)->status().ok());
  EXPECT_THAT(std::string((*reader)->status().message()), HasSubstr("cannot read"));
}

TEST_F(LineReaderTest, ReadsStdinWhenPathIsDash) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int saved_stdin = dup(STDIN_FILENO);
  ASSERT_GE(saved_stdin, 0);
  ASSERT_EQ(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  close(fds[0]);
  const std::string content = "one\ntwo\n";
  ASSERT_EQ(write(fds[1], content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fds[1]);
  {
    auto reader = LineReader::Open("-");
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ((*reader)->name(), "<stdin>");
    const std::vector<OwnedLine> expected = {{"one", 1, 4, false}, {"two", 2, 8, false}};
    EXPECT_EQ(ReadAll(**reader), expected);
  }
  // The reader did not close stdin: it is still ours to restore.
  ASSERT_EQ(dup2(saved_stdin, STDIN_FILENO), STDIN_FILENO);
  close(saved_stdin);
}

const std::string kResumeContent =
    absl::StrCat("l1\n\nline three\r\n", std::string(50, 'x'), "\nl5\nlast-no-newline");

TEST_F(LineReaderTest, SkipToResumesARegularFileAtEveryLineBoundary) {
  const std::vector<OwnedLine> all = ReferenceSplit(kResumeContent, 20);
  ASSERT_EQ(all.size(), 6u);
  for (size_t k = 0; k < all.size(); ++k) {
    SCOPED_TRACE(k);
    auto reader = OpenFile(kResumeContent, {.block_size = 4, .max_line_bytes = 20});
    ASSERT_TRUE(reader->SkipTo(all[k].end_offset, all[k].number).ok());
    const std::vector<OwnedLine> rest(all.begin() + static_cast<std::ptrdiff_t>(k) + 1, all.end());
    EXPECT_EQ(ReadAll(*reader), rest);
  }
}

TEST_F(LineReaderTest, SkipToResumesAPipeAtEveryLineBoundary) {
  const std::vector<OwnedLine> all = ReferenceSplit(kResumeContent, 20);
  for (size_t k = 0; k < all.size(); ++k) {
    SCOPED_TRACE(k);
    PipeSource source(kResumeContent);
    LineReader& reader = source.Open({.block_size = 4, .max_line_bytes = 20});
    ASSERT_TRUE(reader.SkipTo(all[k].end_offset, all[k].number).ok());
    const std::vector<OwnedLine> rest(all.begin() + static_cast<std::ptrdiff_t>(k) + 1, all.end());
    EXPECT_EQ(ReadAll(reader), rest);
  }
}

TEST_F(LineReaderTest, SkipToLargeOffsetOnPipe) {
  std::string content;
  for (int i = 0; i < 20000; ++i) content += absl::StrCat("{\"i\":", i, "}\n");
  const std::vector<OwnedLine> all = ReferenceSplit(content, 1 << 20);
  PipeSource source(content);
  LineReader& reader = source.Open({.block_size = 4096});
  ASSERT_TRUE(reader.SkipTo(all[15000].end_offset, all[15000].number).ok());
  Line line;
  ASSERT_TRUE(reader.Next(line));
  EXPECT_EQ(line.text, "{\"i\":15001}");
  EXPECT_EQ(line.number, 15002);
  EXPECT_EQ(line.end_offset, all[15001].end_offset);
}

TEST_F(LineReaderTest, SkipToRejectsMismatchedCheckpoints) {
  // Beyond the end.
  auto reader = OpenFile("ab\ncd\n");
  EXPECT_EQ(reader->SkipTo(7, 2).code(), absl::StatusCode::kFailedPrecondition);
  // In the middle of a line.
  reader = OpenFile("ab\ncd\n");
  EXPECT_THAT(std::string(reader->SkipTo(4, 1).message()), HasSubstr("not at a line boundary"));
  // After reading started.
  reader = OpenFile("ab\ncd\n");
  Line line;
  ASSERT_TRUE(reader->Next(line));
  EXPECT_EQ(reader->SkipTo(3, 1).code(), absl::StatusCode::kFailedPrecondition);
  // Nonsense positions.
  EXPECT_EQ(OpenFile("ab\n")->SkipTo(-1, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenFile("ab\n")->SkipTo(0, 3).code(), absl::StatusCode::kInvalidArgument);
  {
    PipeSource source("ab\ncd\n");
    EXPECT_EQ(source.Open().SkipTo(9, 3).code(), absl::StatusCode::kFailedPrecondition);
  }
  {
    PipeSource source("ab\ncd\n");
    EXPECT_THAT(std::string(source.Open().SkipTo(4, 1).message()),
                HasSubstr("not at a line boundary"));
  }
}

TEST_F(LineReaderTest, OffsetsAreRelativeToWhereAnInheritedDescriptorStood) {
  const std::string path = WriteFile("skipme\nab\ncd\n");
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(lseek(fd, 7, SEEK_SET), 7);
  auto reader = LineReader::FromFd(fd, /*owns_fd=*/true, path);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->SkipTo(3, 1).ok());
  const std::vector<OwnedLine> expected = {{"cd", 2, 6, false}};
  EXPECT_EQ(ReadAll(**reader), expected);
}

// Content of about `bytes` bytes: lines of varied lengths, some CRLF, some empty, some longer
// than `max_line`, and no final newline.
std::string VariedContent(size_t bytes, size_t max_line) {
  std::string content;
  for (size_t i = 0; content.size() < bytes; ++i) {
    const size_t len = (i * 7919) % (i % 97 == 0 ? 3 * max_line : 120);
    content += std::string(len, static_cast<char>('a' + i % 26));
    content += i % 5 == 0 ? "\r\n" : "\n";
    if (i % 13 == 0) content += "\n";
  }
  content += "tail";
  return content;
}

TEST_F(LineReaderTest, MappedAndBufferedReadsAgreeAroundPageBoundaries) {
  // File sizes on and next to multiples of the page size, where the bytes after the last line
  // are not mapped: the mapping must hand over to the buffer before the padding would run off it.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const std::string base = VariedContent(6 * page, 200);
  for (size_t size :
       {page - 1, page, page + 1, 3 * page - 65, 3 * page - 64, 3 * page, 5 * page + 17}) {
    SCOPED_TRACE(size);
    std::string content = base.substr(0, size);
    const std::vector<OwnedLine> expected = ReferenceSplit(content, 200);
    auto mapped = OpenFile(content, {.max_line_bytes = 200});
    EXPECT_EQ(ReadAll(*mapped), expected);
    EXPECT_GT(mapped->mapped_lines(), 0);
    auto buffered = OpenFile(content, {.max_line_bytes = 200, .map_regular_files = false});
    EXPECT_EQ(ReadAll(*buffered), expected);
    EXPECT_EQ(buffered->mapped_lines(), 0);
  }
}

TEST_F(LineReaderTest, MappedReadResumesAtEveryLineBoundary) {
  const std::string content = VariedContent(3 * 4096, 100);
  const std::vector<OwnedLine> all = ReferenceSplit(content, 100);
  for (size_t k = 0; k < all.size(); k += 7) {
    SCOPED_TRACE(k);
    auto reader = OpenFile(content, {.max_line_bytes = 100});
    ASSERT_TRUE(reader->SkipTo(all[k].end_offset, all[k].number).ok());
    const std::vector<OwnedLine> rest(all.begin() + static_cast<std::ptrdiff_t>(k) + 1, all.end());
    EXPECT_EQ(ReadAll(*reader), rest);
  }
}

TEST_F(LineReaderTest, FileThatGrowsWhileMappedIsReadToItsNewEnd) {
  const std::string first = VariedContent(2 * 4096, 100);
  const std::string path = WriteFile(first + "\n");
  auto reader = LineReader::Open(path, {.max_line_bytes = 100});
  ASSERT_TRUE(reader.ok());
  Line line;
  ASSERT_TRUE((*reader)->Next(line));  // maps the file as it is now
  FILE* f = std::fopen(path.c_str(), "ab");
  ASSERT_NE(f, nullptr);
  const std::string more = "appended one\nappended two\n";
  ASSERT_EQ(std::fwrite(more.data(), 1, more.size(), f), more.size());
  std::fclose(f);
  std::vector<OwnedLine> lines = {
      {std::string(line.text), line.number, line.end_offset, line.too_long}};
  for (OwnedLine& l : ReadAll(**reader)) lines.push_back(std::move(l));
  EXPECT_EQ(lines, ReferenceSplit(first + "\n" + more, 100));
  EXPECT_GT((*reader)->mapped_lines(), 0);
}

}  // namespace
}  // namespace coattail::io
