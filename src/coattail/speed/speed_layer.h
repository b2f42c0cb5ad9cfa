// The speed layer's decision, free of I/O: a batch of Kinesis records (newline-framed events, as
// `coattail produce` writes them) and the scores of the wallets in it give the alerts to store,
// the alerts to mark retracted, and the events to dead-letter with their reasons. The Lambda
// handler reads the scores from the whale-scores table and writes the outcome to the alerts table
// and the dead-letter stream; a test drives the same function with scores in memory.
//
// Alerts follow the engine's large-trade rule (engine/alerts.h): the same id, reason and figures,
// so an alert the speed layer raises and one the engine raises for the same trade are the same
// item. What the speed layer cannot know without state of its own:
//  - the rate limit holds within a batch only (a wallet's alerts in earlier batches are not
//    counted);
//  - a retraction (of a trade at least the rule's size) names the alert its trade would have
//    raised, whatever the wallet's standing now; the writer marks it retracted only where it
//    exists;
//  - duplicates across batches are harmless: they produce the same item under the same key.
#ifndef COATTAIL_SPEED_SPEED_LAYER_H_
#define COATTAIL_SPEED_SPEED_LAYER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "coattail/engine/alerts.h"
#include "coattail/event/parser.h"
#include "coattail/lambda/kinesis_event.h"

namespace coattail::speed {

// A wallet's figures at the primary horizon, as the whale-scores table holds them.
struct Standing {
  bool smart_money = false;
  double shrunk_alpha = 0;
  double t_stat = 0;
  double q_value = 1;
  double effective_n = 0;
  double hit_rate = 0;
  double hit_rate_lower = 0;
};

// Wallet address ("0x" + 40 lower-case hex digits) -> standing; wallets without a score are absent.
using Standings = absl::flat_hash_map<std::string, Standing>;

class ScoreLookup {
 public:
  virtual ~ScoreLookup() = default;
  // The standings of these wallets (distinct, lower-case) at `horizon_ms`.
  virtual absl::StatusOr<Standings> Find(const std::vector<std::string>& wallets,
                                         int64_t horizon_ms) = 0;
};

struct RejectedEvent {
  std::string sequence_number;  // of the Kinesis record it came in
  int64_t index = 0;            // 1-based position of the event in that record; 0: the record
  std::string reason;
  std::string raw;
};

struct BatchOutcome {
  std::vector<engine::Alert> alerts;
  // The alerts that retracted trades would have raised (id, wallet, trade and time set; no score
  // figures): to be marked retracted where they exist.
  std::vector<engine::Alert> retractions;
  std::vector<RejectedEvent> rejects;
  int64_t records = 0;
  int64_t events = 0;  // accepted events
  int64_t trades = 0;
  int64_t prices = 0;
  int64_t alerts_rate_limited = 0;
};

class SpeedLayer {
 public:
  SpeedLayer(engine::AlertRule rule, int64_t horizon_ms) : rule_(rule), horizon_ms_(horizon_ms) {}

  // Parses every event of every record with the engine's parser, looks the trading wallets up
  // once, and applies the alert rule in record order. Fails only when the score lookup fails:
  // the handler then reports the batch as failed from its first record.
  absl::StatusOr<BatchOutcome> Score(const std::vector<lambda::KinesisRecord>& records,
                                     ScoreLookup& scores);

 private:
  engine::AlertRule rule_;
  int64_t horizon_ms_;
  event::EventParser parser_;
};

}  // namespace coattail::speed

#endif  // COATTAIL_SPEED_SPEED_LAYER_H_
