// `coattail run` killed with SIGKILL mid-stream and resumed must end with byte-identical scores,
// alerts and dead letters, and no duplicate alerts, compared with an uninterrupted run.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "coattail/sim/simulator.h"
#include "coattail/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace coattail {
namespace {

using Clock = std::chrono::steady_clock;

pid_t Spawn(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int WaitStatus(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The two checkpoint triggers: every N lines, or after an interval of wall time.
struct Trigger {
  std::string name;
  std::vector<std::string> flags;
};

void PrintTo(const Trigger& trigger, std::ostream* os) { *os << trigger.name; }

std::vector<std::string> RunArgs(const testing::ScratchDir& dir, const std::string& name,
                                 const Trigger& trigger) {
  std::vector<std::string> args = {COATTAIL_CLI_PATH,
                                   "run",
                                   "--in",
                                   dir.File("events.ndjson"),
                                   "--db",
                                   dir.File(name + ".db"),
                                   "--alerts",
                                   dir.File(name + "-alerts.ndjson"),
                                   "--dead-letter",
                                   dir.File(name + "-rejected.ndjson")};
  args.insert(args.end(), trigger.flags.begin(), trigger.flags.end());
  return args;
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

class ResumeTest : public ::testing::TestWithParam<Trigger> {};

TEST_P(ResumeTest, KillNineAndResumeMatchesAnUninterruptedRun) {
  const Trigger& trigger = GetParam();
  testing::ScratchDir dir("resume-" + trigger.name);
  sim::SimConfig sim_config;
  sim_config.seed = 11;
  sim_config.days = 10;
  sim_config.price_interval_ms = 300'000;
  sim_config.malformed = 40;
  sim_config.duplicates = 40;
  sim_config.retractions = 40;
  ASSERT_TRUE(sim::Simulate(sim_config, dir.File("events.ndjson"), dir.File("truth.json")).ok());

  const auto started = Clock::now();
  const int ref_status = WaitStatus(Spawn(RunArgs(dir, "ref", trigger)));
  ASSERT_TRUE(WIFEXITED(ref_status) && WEXITSTATUS(ref_status) == 0);
  const auto full = Clock::now() - started;

  // Two kills at different points of the same run, then a resume to the end.
  int kills = 0;
  for (double fraction : {0.35, 0.7}) {
    const pid_t pid = Spawn(RunArgs(dir, "cut", trigger));
    std::this_thread::sleep_for(
        std::chrono::duration_cast<std::chrono::milliseconds>(full * fraction));
    kill(pid, SIGKILL);
    const int status = WaitStatus(pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++kills;
  }
  ASSERT_GE(kills, 1) << "the run finished before it could be killed";
  {
    // The killed runs left a checkpoint behind, so the resume below starts mid-input (without
    // the trigger it would start from the beginning and prove nothing).
    auto killed = store::SqliteStore::Open(dir.File("cut.db"), true);
    ASSERT_TRUE(killed.ok()) << killed.status();
    auto checkpoint = (*killed)->LoadCheckpoint();
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    ASSERT_TRUE(checkpoint->has_value());
    EXPECT_GT((*checkpoint)->input_line, 0);
  }
  const int final_status = WaitStatus(Spawn(RunArgs(dir, "cut", trigger)));
  ASSERT_TRUE(WIFEXITED(final_status) && WEXITSTATUS(final_status) == 0);

  EXPECT_EQ(testing::ReadFile(dir.File("ref-alerts.ndjson")),
            testing::ReadFile(dir.File("cut-alerts.ndjson")));
  EXPECT_EQ(testing::ReadFile(dir.File("ref-rejected.ndjson")),
            testing::ReadFile(dir.File("cut-rejected.ndjson")));
  EXPECT_FALSE(testing::ReadFile(dir.File("ref-alerts.ndjson")).empty());

  auto ref = store::SqliteStore::Open(dir.File("ref.db"), true);
  auto cut = store::SqliteStore::Open(dir.File("cut.db"), true);
  ASSERT_TRUE(ref.ok() && cut.ok());
  for (int64_t horizon : {int64_t{3'600'000}, int64_t{86'400'000}}) {
    auto a = (*ref)->AllScores(horizon);
    auto b = (*cut)->AllScores(horizon);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), b->size());
    ASSERT_FALSE(a->empty());
    for (size_t i = 0; i < a->size(); ++i) {
      const engine::WalletScoreRow& x = (*a)[i];
      const engine::WalletScoreRow& y = (*b)[i];
      ASSERT_EQ(x.wallet, y.wallet);
      EXPECT_TRUE(SameBits(x.shrunk_alpha, y.shrunk_alpha)) << x.wallet;
      EXPECT_TRUE(SameBits(x.t_stat, y.t_stat)) << x.wallet;
      EXPECT_TRUE(SameBits(x.q_value, y.q_value)) << x.wallet;
      EXPECT_TRUE(SameBits(x.effective_n, y.effective_n)) << x.wallet;
      EXPECT_TRUE(SameBits(x.hit_rate, y.hit_rate)) << x.wallet;
      EXPECT_TRUE(SameBits(x.realized_pnl_usd, y.realized_pnl_usd)) << x.wallet;
      EXPECT_TRUE(SameBits(x.unrealized_pnl_usd, y.unrealized_pnl_usd)) << x.wallet;
      EXPECT_EQ(x.trade_count, y.trade_count);
      EXPECT_EQ(x.smart_money, y.smart_money);
    }
  }
  auto ref_alerts = (*ref)->Alerts(std::nullopt, 1'000'000);
  auto cut_alerts = (*cut)->Alerts(std::nullopt, 1'000'000);
  ASSERT_TRUE(ref_alerts.ok() && cut_alerts.ok());
  ASSERT_EQ(ref_alerts->size(), cut_alerts->size());
  std::set<std::string> ids;
  for (size_t i = 0; i < cut_alerts->size(); ++i) {
    EXPECT_EQ((*ref_alerts)[i].alert.alert_id, (*cut_alerts)[i].alert.alert_id);
    EXPECT_TRUE(ids.insert((*cut_alerts)[i].alert.alert_id).second);
  }
  // Every alert line in the NDJSON file is in the store exactly once.
  size_t alert_lines = 0;
  for (const std::string& line : testing::ReadLines(dir.File("cut-alerts.ndjson"))) {
    if (line.find("\"type\":\"alert\"") != std::string::npos) ++alert_lines;
  }
  EXPECT_EQ(alert_lines, ids.size());
}

INSTANTIATE_TEST_SUITE_P(
    Triggers, ResumeTest,
    ::testing::Values(Trigger{"lines",
                              {"--checkpoint-every", "3000", "--checkpoint-interval", "0"}},
                      Trigger{"interval", {"--checkpoint-interval", "20ms"}}),
    [](const ::testing::TestParamInfo<Trigger>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace coattail
