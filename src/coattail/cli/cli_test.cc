// Tests of `coattail validate`: its outputs and counters, and that its rejects are the engine's
// dead letters for the same input, less what only the engine's state can tell.
#include "coattail/cli/cli.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "coattail/cli/commands.h"
#include "coattail/engine/engine_config.h"
#include "coattail/pipeline/runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::cli {
namespace {

constexpr char kPrice[] =
    R"({"type":"price","token":"ETH","time":1767225600000,"price_usd":2000.5})";
constexpr char kTrade[] =
    R"({"type":"trade","chain":"ethereum","block_number":19000000,"block_time":1767225601000,)"
    R"("tx_hash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a7130001",)"
    R"("log_index":3,"wallet":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","token":"PEPE",)"
    R"("side":"buy","amount":1234.5,"price_usd":0.5,"usd_value":617.25})";
constexpr char kUnknownField[] =
    R"({"type":"price","token":"ETH","time":1767225600000,"price_usd":2000.5,"extra":1})";
constexpr char kMissingPrice[] = R"({"type":"price","token":"ETH","time":1767225600000})";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string CorpusPath() {
  const char* root = std::getenv("COATTAIL_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/data/malformed/corpus.ndjson";
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cli_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  [[nodiscard]] std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(ValidateTest, SplitsGoodAndBadLinesAndCountsReasons) {
  const std::vector<std::string> input = {kPrice,        "",   "{\"type\":", kTrade, kUnknownField,
                                          kMissingPrice, "   "};
  WriteFile(Path("in.ndjson"), absl::StrJoin(input, "\n") + "\n");
  // Leftovers of an earlier run must not survive in the outputs.
  WriteFile(Path("accepted.ndjson"), "stale\n");
  WriteFile(Path("rejected.ndjson"), "stale\n");

  ValidateOptions options;
  options.input = Path("in.ndjson");
  options.accepted = Path("accepted.ndjson");
  options.rejected = Path("rejected.ndjson");
  absl::StatusOr<ValidateResult> result = Validate(options);
  ASSERT_TRUE(result.ok()) << result.status();

  EXPECT_EQ(result->lines_read, 7);
  EXPECT_EQ(result->accepted, 2);
  EXPECT_EQ(result->rejected, 5);
  EXPECT_EQ(ReadFile(Path("accepted.ndjson")), std::string(kPrice) + "\n" + kTrade + "\n");
  ASSERT_EQ(result->reasons.size(), 4U);
  EXPECT_EQ(result->reasons[0], std::make_pair(std::string("empty line"), int64_t{2}));

  const std::vector<std::string> rejected = Lines(ReadFile(Path("rejected.ndjson")));
  ASSERT_EQ(rejected.size(), 5U);
  EXPECT_EQ(rejected[0], R"({"line":2,"reason":"empty line","raw":""})");
  EXPECT_TRUE(absl::StartsWith(rejected[1], R"({"line":3,"reason":"invalid JSON)")) << rejected[1];
  EXPECT_TRUE(absl::StartsWith(rejected[2], R"({"line":5,"reason":"unknown field 'extra'")"))
      << rejected[2];
  EXPECT_TRUE(absl::StartsWith(rejected[3], R"({"line":6,"reason":"missing field 'price_usd'")"))
      << rejected[3];
  EXPECT_EQ(rejected[4], R"({"line":7,"reason":"empty line","raw":"   "})");
}

// Validates `input` and runs the engine on it: the rejected records must be the engine's dead
// letters less the late events and retractions of unknown trades, which need the engine's state.
absl::StatusOr<ValidateResult> ValidateAndCompareWithEngine(const std::string& input,
                                                            const std::filesystem::path& dir) {
  ValidateOptions options;
  options.input = input;
  options.rejected = (dir / "validate.rejected.ndjson").string();
  absl::StatusOr<ValidateResult> result = Validate(options);
  if (!result.ok()) return result;

  pipeline::RunOptions run;
  run.input = input;
  run.db = (dir / "state.db").string();
  run.dead_letter_path = (dir / "engine.rejected.ndjson").string();
  absl::StatusOr<pipeline::RunResult> engine_run = pipeline::RunPipeline({}, run);
  if (!engine_run.ok()) return engine_run.status();

  std::vector<std::string> engine_stateless;
  int64_t engine_stateful = 0;
  for (const std::string& record : Lines(ReadFile(run.dead_letter_path))) {
    if (absl::StrContains(record, R"("reason":"late: )") ||
        absl::StrContains(record, R"("reason":"retraction of an unknown trade)")) {
      ++engine_stateful;
    } else {
      engine_stateless.push_back(record);
    }
  }
  EXPECT_EQ(Lines(ReadFile(options.rejected)), engine_stateless);
  EXPECT_EQ(engine_run->counters.rejected, result->rejected + engine_stateful);
  return result;
}

TEST_F(ValidateTest, RejectsAreTheEnginesDeadLettersLessTheStatefulOnes) {
  absl::StatusOr<ValidateResult> result = ValidateAndCompareWithEngine(CorpusPath(), dir_);
  ASSERT_TRUE(result.ok()) << result.status();
  // The corpus's own bookkeeping (tests/data/malformed/expected.json).
  EXPECT_EQ(result->lines_read, 70);
  EXPECT_EQ(result->accepted, 12);
  EXPECT_EQ(result->rejected, 58);
}

TEST_F(ValidateTest, ALineTooLongIsRejectedAsByTheEngine) {
  // Longer than the line reader's 1 MiB limit: cut, and rejected without parsing.
  const std::string too_long = R"({"type":"price","token":")" + std::string(size_t{1} << 20, 'A') +
                               R"(","time":1767225600000,"price_usd":1})";
  WriteFile(Path("in.ndjson"), std::string(kPrice) + "\n" + too_long + "\n" + kTrade + "\n");
  absl::StatusOr<ValidateResult> result = ValidateAndCompareWithEngine(Path("in.ndjson"), dir_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->accepted, 2);
  ASSERT_EQ(result->reasons.size(), 1U);
  EXPECT_EQ(result->reasons[0], std::make_pair(std::string("line too long"), int64_t{1}));
}

TEST(ValidateSummaryTest, ListsTheTopReasonsAndTheRate) {
  ValidateResult r;
  r.lines_read = 10;
  r.accepted = 6;
  r.rejected = 4;
  r.reasons = {{"empty line", 2}, {"invalid JSON: x", 1}, {"unknown field 'a\tb'", 1}};
  r.seconds = 0.5;
  EXPECT_EQ(FormatValidateSummary(r, 2),
            "lines_read=10\naccepted=6\nrejected=4\nreject_reasons=3\nrejected[empty line]=2\n"
            "rejected[invalid JSON: x]=1\nseconds=0.500\nevents_per_sec=20\n");
  EXPECT_THAT(Lines(FormatValidateSummary(r, 0)),
              ::testing::Contains("rejected[unknown field 'a?b']=1"));
}

TEST_F(ValidateTest, RefusesOutputsThatOverwriteTheInput) {
  WriteFile(Path("in.ndjson"), std::string(kPrice) + "\n");
  ValidateOptions options;
  options.input = Path("in.ndjson");
  options.accepted = options.input;
  EXPECT_EQ(Validate(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.accepted = Path("out.ndjson");
  options.rejected = options.accepted;
  EXPECT_EQ(Validate(options).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadFile(Path("in.ndjson")), std::string(kPrice) + "\n");
}

int RunCliWith(std::vector<std::string> args) {
  args.insert(args.begin(), "coattail");
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (std::string& a : args) argv.push_back(a.data());
  return RunCli(static_cast<int>(argv.size()), argv.data());
}

TEST_F(ValidateTest, ExitCodes) {
  WriteFile(Path("in.ndjson"), std::string(kPrice) + "\n\n");
  // Rejected lines are a result, not a failure.
  EXPECT_EQ(RunCliWith({"validate", "--in", Path("in.ndjson")}), kExitOk);
  EXPECT_EQ(RunCliWith({"validate"}), kExitUsage);
  EXPECT_EQ(RunCliWith({"validate", "--in", Path("in.ndjson"), "--top-reasons", "-1"}), kExitUsage);
  EXPECT_EQ(RunCliWith({"validate", "--in", Path("in.ndjson"), "--rejected", "-"}), kExitUsage);
  // A write that fails (ENOSPC) is an I/O failure.
  EXPECT_EQ(RunCliWith({"validate", "--in", Path("in.ndjson"), "--accepted", "/dev/full"}),
            kExitFailure);
}

}  // namespace
}  // namespace coattail::cli
