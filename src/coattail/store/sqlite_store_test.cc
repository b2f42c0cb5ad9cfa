#include "coattail/store/sqlite_store.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace coattail::store {
namespace {

std::string TempDb(const std::string& name) {
  const std::string path = "/tmp/coattail-store-" + name + "-" + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

engine::WalletScoreRow Row(const std::string& wallet, double alpha, bool smart, bool bot = false) {
  engine::WalletScoreRow r;
  r.wallet = wallet;
  r.horizon_ms = 3'600'000;
  r.tier = "whale";
  r.shrunk_alpha = alpha;
  r.eligible = true;
  r.smart_money = smart;
  r.bot_like = bot;
  return r;
}

engine::Alert MakeAlert(const std::string& id, int64_t t) {
  engine::Alert a;
  a.alert_id = id;
  a.rule = "smart_money_large_trade";
  a.wallet = "0xabc";
  a.event_time_ms = t;
  return a;
}

TEST(SqliteStoreTest, LeaderboardPutsSmartMoneyFirstAndHidesFlaggedWallets) {
  const std::string path = TempDb("board");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<engine::WalletScoreRow> rows = {Row("0xa", 0.001, false), Row("0xb", 0.0005, true),
                                              Row("0xc", 0.01, false, /*bot=*/true),
                                              Row("0xd", 0.002, true)};
  Checkpoint c;
  c.input_name = "in.ndjson";
  c.engine_state = std::string("\0state", 6);
  ASSERT_TRUE((*store)->Commit({}, {}, &rows, 3'600'000, c).ok());
  auto board = (*store)->Leaderboard(10);
  ASSERT_TRUE(board.ok()) << board.status();
  ASSERT_EQ(board->size(), 3u);
  EXPECT_EQ((*board)[0].wallet, "0xd");
  EXPECT_EQ((*board)[1].wallet, "0xb");
  EXPECT_EQ((*board)[2].wallet, "0xa");
  auto loaded = (*store)->LoadCheckpoint();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->engine_state, c.engine_state);  // binary-safe blob
}

TEST(SqliteStoreTest, AlertsAreInsertedOnceAndRetractionsMarkThem) {
  const std::string path = TempDb("alerts");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  Checkpoint c;
  ASSERT_TRUE((*store)->Commit({MakeAlert("a1", 1), MakeAlert("a2", 2)}, {}, nullptr, 0, c).ok());
  // A replay after a crash commits the same alert again: it must not duplicate.
  ASSERT_TRUE((*store)->Commit({MakeAlert("a1", 1)}, {"a2"}, nullptr, 0, c).ok());
  EXPECT_EQ(*(*store)->AlertCount(true), 2);
  EXPECT_EQ(*(*store)->AlertCount(false), 1);
  auto alerts = (*store)->Alerts(std::nullopt, 10);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ((*alerts)[0].alert.alert_id, "a2");  // newest first
  EXPECT_TRUE((*alerts)[0].retracted);
  auto by_id = (*store)->AlertById("a1");
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->alert.event_time_ms, 1);
  EXPECT_FALSE((*by_id)->retracted);
  auto missing = (*store)->AlertById("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(SqliteStoreTest, ShardPositionsCommitWithTheCheckpointAndReplaceTheOldOnes) {
  const std::string path = TempDb("shards");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok());
    Checkpoint c;
    c.input_name = "kinesis:trades";
    c.shard_positions = {{"shardId-000", "4959", 3, false}, {"shardId-001", "", 0, false}};
    ASSERT_TRUE((*store)->Commit({}, {}, nullptr, 0, c).ok());
    c.shard_positions = {{"shardId-000", "4960", 1, true}};
    ASSERT_TRUE((*store)->Commit({}, {}, nullptr, 0, c).ok());
  }
  auto reopened = SqliteStore::Open(path);
  ASSERT_TRUE(reopened.ok());
  auto loaded = (*reopened)->LoadCheckpoint();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  ASSERT_EQ((*loaded)->shard_positions.size(), 1u);
  EXPECT_EQ((*loaded)->shard_positions[0], (ShardPosition{"shardId-000", "4960", 1, true}));
}

TEST(SqliteStoreTest, ReadOnlyOpenOfSomethingElseIsAClearError) {
  const std::string path = TempDb("missing");
  auto store = SqliteStore::Open(path, /*read_only=*/true);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SqliteStoreTest, UsesWriteAheadLogging) {
  const std::string path = TempDb("wal");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  Checkpoint c;
  ASSERT_TRUE((*store)->Commit({}, {}, nullptr, 0, c).ok());
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
}

}  // namespace
}  // namespace coattail::store
