// Reads every shard of a Kinesis stream and hands out its events one at a time, merged across
// shards by event time so that the engine's bounded-lateness reordering sees a nearly ordered
// stream even when one shard is far behind another. Positions are per shard (the record of the
// last event handed out and how many of its events were), so a consumer that checkpoints them
// with its state resumes with nothing lost and nothing doubled.
#ifndef COATTAIL_STREAM_KINESIS_SOURCE_H_
#define COATTAIL_STREAM_KINESIS_SOURCE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/aws/kinesis.h"
#include "coattail/store/checkpoint.h"

namespace coattail::stream {

struct KinesisSourceOptions {
  std::string stream;
  // GetRecords limit. A shard is polled only once its buffer is empty, so memory stays near
  // shards x limit x record size (Kinesis also caps a call at 10 MiB).
  int records_per_call = 1000;
  // Per shard, between GetRecords calls: Kinesis allows 5 calls per second per shard.
  std::chrono::milliseconds poll_interval{200};
  // End of input once every shard has been caught up (no records, nothing behind) for this long;
  // zero runs until `stop` is set.
  std::chrono::milliseconds idle_exit{0};
  const std::atomic<bool>* stop = nullptr;  // e.g. set by SIGTERM
  // Called before each pause while no event is ready (at most every 100 ms). The runner takes a
  // due checkpoint there, so a quiet stream does not hold back alerts. An error ends Next().
  std::function<absl::Status()> while_waiting;
};

struct KinesisSourceStats {
  int64_t get_records_calls = 0;
  int64_t records = 0;  // records fetched
  int64_t events = 0;   // events handed out
  int64_t iterators = 0;
};

// The event time written in an event line ("block_time" of a trade, "time" of a price), found
// without a full parse; INT64_MIN when absent (such a line is handed out first: the engine
// rejects it).
int64_t EventTimeHint(std::string_view event);

class KinesisSource {
 public:
  // `positions` come from the last checkpoint (empty: start at the oldest record of every shard).
  static absl::StatusOr<std::unique_ptr<KinesisSource>> Create(
      aws::KinesisClient* kinesis, KinesisSourceOptions options,
      const std::vector<store::ShardPosition>& positions);
  ~KinesisSource();
  KinesisSource(const KinesisSource&) = delete;
  KinesisSource& operator=(const KinesisSource&) = delete;

  // The next event, followed by at least event::kParsePadding readable bytes and valid until the
  // next call. False at the end of input (idle exit or stop) or on error: see status().
  bool Next(std::string_view& event);
  [[nodiscard]] const absl::Status& status() const { return status_; }
  [[nodiscard]] bool stopped() const { return stopped_; }  // ended because `stop` was set

  // Where each shard stands after the events handed out so far, sorted by shard id.
  [[nodiscard]] std::vector<store::ShardPosition> Positions() const;
  [[nodiscard]] const KinesisSourceStats& stats() const { return stats_; }

 private:
  struct Record;
  struct Shard;
  using Clock = std::chrono::steady_clock;

  KinesisSource(aws::KinesisClient* kinesis, KinesisSourceOptions options);
  absl::Status AddShard(const std::string& shard_id, std::vector<std::string> parents,
                        const store::ShardPosition* position);
  [[nodiscard]] bool Eligible(const Shard& shard) const;
  absl::Status Poll(Shard& shard);
  static int64_t HeadTime(const Shard& shard);  // shard.records must not be empty
  void Fail(absl::Status status);

  aws::KinesisClient* kinesis_;
  KinesisSourceOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  absl::Status status_;
  bool stopped_ = false;
  bool has_idle_since_ = false;
  Clock::time_point idle_since_;
  KinesisSourceStats stats_;
};

}  // namespace coattail::stream

#endif  // COATTAIL_STREAM_KINESIS_SOURCE_H_
