// The malformed corpus through the whole pipeline: every line is accounted for, and every rejected
// line is kept in the dead-letter file with its line number and reason.
#include <map>
#include <set>
#include <string>

#include "coattail/pipeline/runner.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/test_util.h"

namespace coattail {
namespace {

TEST(MalformedCorpusTest, EveryLineIsAccountedForAndKept) {
  testing::ScratchDir dir("malformed");
  const std::string corpus = testing::SourceDir() + "/tests/data/malformed/corpus.ndjson";
  const std::string expected_path = testing::SourceDir() + "/tests/data/malformed/expected.json";

  simdjson::dom::parser parser;
  simdjson::dom::element expected;
  ASSERT_EQ(parser.load(expected_path).get(expected), simdjson::SUCCESS);
  std::map<int64_t, std::string> parser_errors;  // line -> reason substring
  std::set<int64_t> parser_ok;
  simdjson::dom::array lines;
  ASSERT_EQ(expected["lines"].get_array().get(lines), simdjson::SUCCESS);
  for (simdjson::dom::element e : lines) {
    int64_t line = 0;
    std::string_view verdict;
    ASSERT_EQ(e["line"].get_int64().get(line), simdjson::SUCCESS);
    ASSERT_EQ(e["parser"].get_string().get(verdict), simdjson::SUCCESS);
    if (verdict == "ok") {
      parser_ok.insert(line);
    } else {
      std::string_view reason;
      ASSERT_EQ(e["reason_contains"].get_string().get(reason), simdjson::SUCCESS);
      parser_errors[line] = std::string(reason);
    }
  }
  const int64_t total = static_cast<int64_t>(parser_ok.size() + parser_errors.size());
  ASSERT_EQ(total, 70);

  pipeline::RunOptions options;
  options.input = corpus;
  options.db = dir.File("state.db");
  options.dead_letter_path = dir.File("rejected.ndjson");
  absl::StatusOr<pipeline::RunResult> run = pipeline::RunPipeline(engine::EngineConfig{}, options);
  ASSERT_TRUE(run.ok()) << run.status();
  const engine::Counters& c = run->counters;

  // Engine-level outcomes of the parser-valid lines: line 4 duplicates line 3, line 5 retracts it,
  // line 67 is a day behind the newest event time.
  EXPECT_EQ(c.lines_read, total);
  EXPECT_EQ(c.duplicates, 1);
  EXPECT_EQ(c.retractions, 1);
  EXPECT_EQ(c.late, 1);
  EXPECT_EQ(c.rejected, static_cast<int64_t>(parser_errors.size()) + 1);
  EXPECT_EQ(c.accepted, static_cast<int64_t>(parser_ok.size()) - 2);
  EXPECT_EQ(c.lines_read, c.accepted + c.duplicates + c.rejected);

  std::map<int64_t, std::string> dead;  // line -> reason
  for (const std::string& record : testing::ReadLines(options.dead_letter_path)) {
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(record).get(e), simdjson::SUCCESS) << record;
    int64_t line = 0;
    std::string_view reason;
    std::string_view raw;
    ASSERT_EQ(e["line"].get_int64().get(line), simdjson::SUCCESS);
    ASSERT_EQ(e["reason"].get_string().get(reason), simdjson::SUCCESS);
    ASSERT_EQ(e["raw"].get_string().get(raw), simdjson::SUCCESS);
    EXPECT_TRUE(dead.emplace(line, std::string(reason)).second) << "line " << line << " twice";
  }
  EXPECT_EQ(static_cast<int64_t>(dead.size()), c.rejected);
  for (const auto& [line, reason] : parser_errors) {
    ASSERT_EQ(dead.count(line), 1u) << "line " << line << " not in the dead-letter file";
    EXPECT_NE(dead[line].find(reason), std::string::npos)
        << "line " << line << ": '" << dead[line] << "' lacks '" << reason << "'";
  }
  ASSERT_EQ(dead.count(67), 1u);
  EXPECT_NE(dead[67].find("late"), std::string::npos);
}

}  // namespace
}  // namespace coattail
