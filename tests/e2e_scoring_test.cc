// End to end on simulated markets with known ground truth: the engine must rank the informed
// wallets first and keep bots, exchange hot wallets and wash traders out of the top 20, even with
// lucky noise wallets present.
#include <set>
#include <string>

#include "coattail/pipeline/runner.h"
#include "coattail/sim/simulator.h"
#include "coattail/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace coattail {
namespace {

class E2eScoringTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(E2eScoringTest, FindsInformedWalletsAndIsNotFooled) {
  testing::ScratchDir dir("e2e-" + std::to_string(GetParam()));
  sim::SimConfig sim_config;
  sim_config.seed = GetParam();
  sim_config.price_interval_ms = 300'000;  // 5-minute ticks keep the sanitizer build quick
  ASSERT_GT(sim_config.lucky_noise, 0);
  absl::StatusOr<sim::SimStats> stats =
      sim::Simulate(sim_config, dir.File("events.ndjson"), dir.File("truth.json"));
  ASSERT_TRUE(stats.ok()) << stats.status();

  // Recover the truth through the simulator's own generator (same seed, same classes).
  class NullSink : public sim::LineSink {
   public:
    absl::Status Consume(std::string_view) override { return absl::OkStatus(); }
  } null_sink;
  absl::StatusOr<sim::SimTruth> truth = sim::Generate(sim_config, null_sink);
  ASSERT_TRUE(truth.ok()) << truth.status();
  ASSERT_FALSE(truth->lucky.empty());

  engine::EngineConfig config;
  pipeline::RunOptions options;
  options.input = dir.File("events.ndjson");
  options.db = dir.File("state.db");
  options.alerts_path = dir.File("alerts.ndjson");
  options.checkpoint_every_lines = 0;
  absl::StatusOr<pipeline::RunResult> run = pipeline::RunPipeline(config, options);
  ASSERT_TRUE(run.ok()) << run.status();
  const engine::Counters& c = run->counters;
  EXPECT_EQ(c.lines_read, stats->lines);
  EXPECT_EQ(c.lines_read, c.accepted + c.duplicates + c.rejected);
  EXPECT_EQ(c.rejected, 0);

  auto store = store::SqliteStore::Open(options.db, true);
  ASSERT_TRUE(store.ok()) << store.status();
  auto board = (*store)->Leaderboard(20);
  ASSERT_TRUE(board.ok()) << board.status();
  ASSERT_EQ(board->size(), 20u);

  const std::set<std::string> informed(truth->informed.begin(), truth->informed.end());
  std::set<std::string> forbidden(truth->bots.begin(), truth->bots.end());
  forbidden.insert(truth->exchanges.begin(), truth->exchanges.end());
  forbidden.insert(truth->wash.begin(), truth->wash.end());
  int hits_at_10 = 0;
  for (size_t i = 0; i < board->size(); ++i) {
    const std::string& w = (*board)[i].wallet;
    if (i < 10 && informed.count(w) > 0) ++hits_at_10;
    EXPECT_EQ(forbidden.count(w), 0u) << "rank " << i + 1 << ": " << w;
  }
  EXPECT_GE(hits_at_10, 9) << "precision@10 = " << hits_at_10 / 10.0;

  // None of the bots, exchanges or wash traders may pass the smart-money gate at all.
  auto all = (*store)->AllScores(config.horizons_ms[0]);
  ASSERT_TRUE(all.ok());
  for (const engine::WalletScoreRow& r : *all) {
    if (forbidden.count(r.wallet) > 0) {
      EXPECT_FALSE(r.smart_money) << r.wallet;
    }
  }
  EXPECT_GT(c.alerts, 0);
}

INSTANTIATE_TEST_SUITE_P(ThreeSeeds, E2eScoringTest, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace coattail
