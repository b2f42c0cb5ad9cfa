// The runner on a Kinesis input against moto (the local AWS emulator): on a quiet stream a due
// checkpoint is taken while the source waits for records, so the store (and with it the alerts)
// does not lag behind until the next record or the end of the run.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "coattail/aws/kinesis.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/moto_fixture.h"
#include "coattail/pipeline/runner.h"
#include "coattail/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace coattail {
namespace {

using Clock = std::chrono::steady_clock;

class StreamRunnerTest : public aws::testing::MotoTest {};

TEST_F(StreamRunnerTest, QuietStreamIsCheckpointedWhileTheRunWaits) {
  // RunPipeline reads its AWS settings from the process environment, as the CLI does.
  for (const std::string& kv : server().ChildEnv()) {
    const size_t eq = kv.find('=');
    ASSERT_EQ(setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1), 0);
  }
  auto kinesis = aws::testing::MakeKinesisFor(server().endpoint(), "us-west-2",
                                              aws::testing::EmulatorClientOptions());
  ASSERT_TRUE(kinesis.ok()) << kinesis.status();
  ASSERT_TRUE(
      kinesis->client()
          .Call("Kinesis_20131202.CreateStream", R"({"StreamName":"runner-quiet","ShardCount":1})")
          .ok());
  // 50 events in one record: far fewer than the 1024 lines between clock reads in the read loop,
  // so only the waiting callback can take the checkpoint.
  std::string record;
  for (int i = 0; i < 50; ++i) {
    absl::StrAppend(&record, R"({"type":"price","token":"ETH","time":)",
                    int64_t{1'767'225'600'000} + i * 1000, R"(,"price_usd":2000})", "\n");
  }
  const std::vector<aws::PutRecordsEntry> entries = {aws::PutRecordsEntry{record, "ETH"}};
  absl::StatusOr<aws::PutRecordsResult> put = kinesis->PutRecords("runner-quiet", entries);
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_EQ(put->failed_record_count, 0);

  testing::ScratchDir dir("stream-runner");
  pipeline::RunOptions options;
  options.input = "kinesis:runner-quiet";
  options.db = dir.File("state.db");
  options.checkpoint_interval = std::chrono::milliseconds(100);
  options.checkpoint_every_lines = 0;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  absl::StatusOr<pipeline::RunResult> result = absl::UnknownError("not run");
  std::thread run([&] { result = pipeline::RunPipeline(engine::EngineConfig(), options); });

  int64_t checkpointed_line = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (checkpointed_line < 50 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto store = store::SqliteStore::Open(options.db, /*read_only=*/true);
    if (!store.ok()) continue;  // not created yet
    auto checkpoint = (*store)->LoadCheckpoint();
    if (checkpoint.ok() && checkpoint->has_value()) checkpointed_line = (*checkpoint)->input_line;
  }
  stop = true;
  run.join();
  EXPECT_EQ(checkpointed_line, 50) << "no checkpoint while the stream was quiet";
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->stopped);
  EXPECT_EQ(result->counters.lines_read, 50);
}

}  // namespace
}  // namespace coattail
