// Runs the malformed-input corpus (tests/data/malformed/corpus.ndjson) through LineReader and
// EventParser and checks every line against tests/data/malformed/expected.json.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"
#include "coattail/event/event.h"
#include "coattail/event/parser.h"
#include "coattail/io/line_reader.h"
#include "gtest/gtest.h"

namespace coattail::event {
namespace {

std::string DataDir() {
  const char* root = std::getenv("COATTAIL_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/data/malformed/";
}

TEST(ParserCorpusTest, EveryLineIsAccountedFor) {
  std::ifstream expected_file(DataDir() + "expected.json");
  ASSERT_TRUE(expected_file.good()) << "set COATTAIL_SOURCE_DIR to the repository root";
  const nlohmann::json expected = nlohmann::json::parse(expected_file);
  std::map<int64_t, nlohmann::json> by_line;
  for (const nlohmann::json& entry : expected.at("lines")) {
    const int64_t n = entry.at("line").get<int64_t>();
    ASSERT_TRUE(by_line.emplace(n, entry).second) << "line " << n << " listed twice";
  }

  auto reader = io::LineReader::Open(DataDir() + "corpus.ndjson");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EventParser parser;
  EventView event;
  io::Line line;
  int64_t lines_read = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  while ((*reader)->Next(line)) {
    ++lines_read;
    EXPECT_EQ(line.number, lines_read);
    auto it = by_line.find(line.number);
    if (it == by_line.end()) {
      ADD_FAILURE() << "corpus line " << line.number << " missing from expected.json";
      continue;
    }
    const nlohmann::json& want = it->second;
    absl::Status status = line.too_long
                              ? absl::InvalidArgumentError(std::string(io::kLineTooLongReason))
                              : parser.Parse(line.text, event);
    const std::string& verdict = want.at("parser").get_ref<const std::string&>();
    if (verdict == "ok") {
      EXPECT_TRUE(status.ok()) << "line " << line.number << ": " << status << "\n" << line.text;
      if (status.ok()) ++accepted;
    } else {
      ASSERT_EQ(verdict, "error") << "line " << line.number;
      ++rejected;
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
          << "line " << line.number << " was accepted: " << line.text;
      const std::string& want_reason = want.at("reason_contains").get_ref<const std::string&>();
      EXPECT_NE(std::string(status.message()).find(want_reason), std::string::npos)
          << "line " << line.number << ": reason \"" << status.message() << "\" does not contain \""
          << want_reason << "\"";
    }
  }
  ASSERT_TRUE((*reader)->status().ok());
  EXPECT_EQ(lines_read, static_cast<int64_t>(by_line.size()))
      << "expected.json lists lines the corpus does not have";
  EXPECT_EQ(accepted + rejected, lines_read);
  EXPECT_EQ(accepted, expected.at("parser_ok").get<int64_t>());
  EXPECT_EQ(rejected, expected.at("parser_error").get<int64_t>());
}

}  // namespace
}  // namespace coattail::event
