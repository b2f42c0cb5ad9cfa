#include "coattail/io/ndjson_file_writer.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::io {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class NdjsonFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        absl::StrCat(::testing::TempDir(), "ndjson_writer_test_", getpid(), "_",
                     ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".ndjson");
    std::remove(path_.c_str());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string Contents() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::unique_ptr<NdjsonFileWriter> OpenWriter(
      size_t buffer = NdjsonFileWriter::kDefaultBufferBytes) {
    auto w = NdjsonFileWriter::Open(path_, buffer);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *std::move(w) : nullptr;
  }

  std::string path_;
};

TEST_F(NdjsonFileWriterTest, CreatesBuffersAndFlushes) {
  auto w = OpenWriter();
  EXPECT_EQ(w->size(), 0);
  ASSERT_TRUE(w->Append(R"({"a":1})").ok());
  ASSERT_TRUE(w->Append(R"({"b":2})").ok());
  EXPECT_EQ(w->size(), 16);
  EXPECT_EQ(Contents(), "");  // still buffered
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(Contents(), "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(w->size(), 16);
  ASSERT_TRUE(w->Sync().ok());
}

TEST_F(NdjsonFileWriterTest, AppendsToAnExistingFile) {
  {
    auto w = OpenWriter();
    ASSERT_TRUE(w->Append("1").ok());
  }  // destructor flushes
  EXPECT_EQ(Contents(), "1\n");
  auto w = OpenWriter();
  EXPECT_EQ(w->size(), 2);
  ASSERT_TRUE(w->Append("2").ok());
  EXPECT_EQ(w->size(), 4);
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(Contents(), "1\n2\n");
}

TEST_F(NdjsonFileWriterTest, SmallBufferWritesThroughAndOversizedRecordsGoOut) {
  auto w = OpenWriter(/*buffer=*/8);
  ASSERT_TRUE(w->Append("abc").ok());
  ASSERT_TRUE(w->Append("def").ok());
  EXPECT_EQ(Contents(), "");  // 8 bytes fit
  ASSERT_TRUE(w->Append("g").ok());
  EXPECT_EQ(Contents(), "abc\ndef\n");  // flushed to make room
  const std::string big(100, 'x');
  ASSERT_TRUE(w->Append(big).ok());
  EXPECT_EQ(Contents(), "abc\ndef\ng\n" + big + "\n");
  EXPECT_EQ(w->size(), static_cast<int64_t>(Contents().size()));
}

TEST_F(NdjsonFileWriterTest, RefusesRecordsWithNewlines) {
  auto w = OpenWriter();
  EXPECT_EQ(w->Append("{\"a\":\n1}").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w->size(), 0);
  ASSERT_TRUE(w->Append("ok").ok());  // not a sticky error
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(Contents(), "ok\n");
}

TEST_F(NdjsonFileWriterTest, ResumeTruncatesBackToTheCheckpoint) {
  int64_t checkpoint = 0;
  {
    auto w = OpenWriter();
    ASSERT_TRUE(w->Append("r1").ok());
    ASSERT_TRUE(w->Append("r2").ok());
    ASSERT_TRUE(w->Flush().ok());
    checkpoint = w->size();
    ASSERT_TRUE(w->Append("r3-after-checkpoint").ok());
    ASSERT_TRUE(w->Flush().ok());
  }  // "crash" after r3 reached the file
  EXPECT_EQ(checkpoint, 6);
  auto w = OpenWriter();
  EXPECT_EQ(w->size(), 26);
  ASSERT_TRUE(w->TruncateTo(checkpoint).ok());
  EXPECT_EQ(w->size(), checkpoint);
  EXPECT_EQ(Contents(), "r1\nr2\n");
  ASSERT_TRUE(w->Append("r3").ok());
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(Contents(), "r1\nr2\nr3\n");
}

TEST_F(NdjsonFileWriterTest, TruncateDropsBufferedRecordsToo) {
  auto w = OpenWriter();
  ASSERT_TRUE(w->Append("kept").ok());
  ASSERT_TRUE(w->Flush().ok());
  ASSERT_TRUE(w->Append("buffered").ok());
  ASSERT_TRUE(w->TruncateTo(5).ok());
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(Contents(), "kept\n");
}

TEST_F(NdjsonFileWriterTest, TruncateOnAFreshFileAndBeyondTheEnd) {
  auto w = OpenWriter();  // did not exist: created
  ASSERT_TRUE(w->TruncateTo(0).ok());
  EXPECT_EQ(w->size(), 0);
  ASSERT_TRUE(w->Append("x").ok());
  const absl::Status s = w->TruncateTo(100);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("fewer than the checkpointed 100"));
  EXPECT_EQ(w->TruncateTo(-1).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NdjsonFileWriterTest, OpenErrorsAndClose) {
  EXPECT_EQ(NdjsonFileWriter::Open("/nonexistent/dir/out.ndjson").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(NdjsonFileWriter::Open(::testing::TempDir()).ok());
  EXPECT_EQ(NdjsonFileWriter::Open("/dev/null").status().code(),
            absl::StatusCode::kInvalidArgument);

  auto w = OpenWriter();
  ASSERT_TRUE(w->Append("a").ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_TRUE(w->Close().ok());  // idempotent
  EXPECT_EQ(Contents(), "a\n");
  EXPECT_EQ(w->Append("b").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(NdjsonFileWriterTest, DeadLetterRecordsAreExactAndValidJson) {
  auto dl = DeadLetterWriter::Open(path_);
  ASSERT_TRUE(dl.ok()) << dl.status();
  ASSERT_TRUE((*dl)->Write(7, "missing field 'wallet'", R"({"type":"trade"})").ok());
  ASSERT_TRUE((*dl)
                  ->Write(9, "invalid JSON: The input is not valid UTF-8",
                          std::string_view("{\"x\":\"\xff\"}\r\n\x01", 12))
                  .ok());
  ASSERT_TRUE((*dl)->Flush().ok());
  const std::string contents = Contents();
  EXPECT_EQ(contents.substr(0, contents.find('\n') + 1),
            "{\"line\":7,\"reason\":\"missing field "
            "'wallet'\",\"raw\":\"{\\\"type\\\":\\\"trade\\\"}\"}\n");
  std::vector<nlohmann::json> records;
  std::istringstream lines(contents);
  for (std::string line; std::getline(lines, line);) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["line"], 9);
  EXPECT_EQ(records[1]["raw"], "{\"x\":\"\xef\xbf\xbd\"}\r\n\x01");
  EXPECT_EQ((*dl)->size(), static_cast<int64_t>(contents.size()));
}

TEST_F(NdjsonFileWriterTest, DeadLetterCountsPerReason) {
  auto dl = DeadLetterWriter::Open(path_);
  ASSERT_TRUE(dl.ok());
  DeadLetterWriter& w = **dl;
  ASSERT_TRUE(w.Write(1, "empty line", "").ok());
  ASSERT_TRUE(w.Write(2, "empty line", "  ").ok());
  ASSERT_TRUE(w.Write(3, "line too long", "xxxx").ok());
  w.RestoreCount("late", 4);
  w.RestoreCount("empty line", 10);
  EXPECT_THAT(w.reason_counts(), UnorderedElementsAre(Pair("empty line", 12),
                                                      Pair("line too long", 1), Pair("late", 4)));
  EXPECT_EQ(w.total(), 17);
}

TEST_F(NdjsonFileWriterTest, DeadLetterReasonCardinalityIsCapped) {
  auto dl = DeadLetterWriter::Open(path_);
  ASSERT_TRUE(dl.ok());
  DeadLetterWriter& w = **dl;
  const int64_t n = static_cast<int64_t>(DeadLetterWriter::kMaxDistinctReasons) + 5;
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_TRUE(w.Write(i + 1, absl::StrCat("unknown field 'k", i, "'"), "{}").ok());
  }
  ASSERT_TRUE(w.Write(n + 1, "unknown field 'k0'", "{}").ok());  // known reasons still counted
  EXPECT_EQ(w.reason_counts().size(), DeadLetterWriter::kMaxDistinctReasons + 1);
  EXPECT_EQ(w.reason_counts().at(std::string(DeadLetterWriter::kOtherReasons)), 5);
  EXPECT_EQ(w.reason_counts().at("unknown field 'k0'"), 2);
  EXPECT_EQ(w.total(), n + 1);
}

}  // namespace
}  // namespace coattail::io
