#include "coattail/speed/speed_layer.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "coattail/base/strings.h"
#include "coattail/engine/hash.h"
#include "coattail/stream/producer.h"
#include "simdjson.h"

namespace coattail::speed {
namespace {

// A trade that may alert (or retract one), kept until the batch's standings are known.
struct Candidate {
  std::string wallet;
  engine::Alert alert;  // every field but the score figures and the reason
};

}  // namespace

absl::StatusOr<BatchOutcome> SpeedLayer::Score(const std::vector<lambda::KinesisRecord>& records,
                                               ScoreLookup& scores) {
  BatchOutcome out;
  std::vector<Candidate> candidates;
  absl::flat_hash_set<std::string> wallets;
  std::string padded;
  event::EventView ev;
  for (const lambda::KinesisRecord& record : records) {
    ++out.records;
    if (!record.data_status.ok()) {
      out.rejects.push_back(
          {record.sequence_number, 0, std::string(record.data_status.message()), ""});
      continue;
    }
    // The parser reads up to SIMDJSON_PADDING bytes past each line.
    padded.assign(record.data);
    padded.append(simdjson::SIMDJSON_PADDING, ' ');
    const std::string_view data(padded.data(), record.data.size());
    int64_t index = 0;
    for (std::string_view line : stream::SplitRecord(data)) {
      ++index;
      if (absl::Status s = parser_.Parse(line, ev); !s.ok()) {
        if (s.code() != absl::StatusCode::kInvalidArgument) return s;
        out.rejects.push_back(
            {record.sequence_number, index, std::string(s.message()), std::string(line)});
        continue;
      }
      ++out.events;
      if (ev.kind == event::EventKind::kPrice) {
        ++out.prices;
        continue;
      }
      ++out.trades;
      const event::TradeView& t = ev.trade;
      if (t.usd_value < rule_.min_usd) continue;
      Candidate c;
      c.wallet = engine::HexWithPrefix(t.wallet_bytes.data(), t.wallet_bytes.size());
      engine::Alert& a = c.alert;
      a.alert_id = engine::AlertId(engine::TradeKey(t.chain, t.tx_hash_bytes, t.log_index),
                                   engine::kRuleLargeTrade)
                       .Hex();
      a.rule = std::string(engine::kRuleLargeTrade);
      a.chain = std::string(t.chain);
      a.tx_hash = engine::HexWithPrefix(t.tx_hash_bytes.data(), t.tx_hash_bytes.size());
      a.log_index = t.log_index;
      a.line = index;
      a.wallet = c.wallet;
      a.token = std::string(t.token);
      a.side = t.side == event::Side::kBuy ? "buy" : "sell";
      a.usd_value = t.usd_value;
      a.event_time_ms = t.block_time_ms;
      a.horizon_ms = horizon_ms_;
      if (t.removed) {
        // Whatever the wallet's standing now: the alert may have been raised under an earlier one.
        out.retractions.push_back(std::move(a));
        continue;
      }
      wallets.insert(c.wallet);
      candidates.push_back(std::move(c));
    }
  }
  if (candidates.empty()) return out;

  std::vector<std::string> wanted(wallets.begin(), wallets.end());
  std::sort(wanted.begin(), wanted.end());
  absl::StatusOr<Standings> standings = scores.Find(wanted, horizon_ms_);
  if (!standings.ok()) return standings.status();

  absl::flat_hash_map<std::string, std::deque<int64_t>> recent;  // the batch's alerts per wallet
  for (Candidate& c : candidates) {
    const auto it = standings->find(c.wallet);
    if (it == standings->end() || !it->second.smart_money) continue;
    const Standing& s = it->second;
    engine::Alert& a = c.alert;
    a.score = s.shrunk_alpha;
    a.t_stat = s.t_stat;
    a.q_value = s.q_value;
    a.n = s.effective_n;
    a.hit_rate = s.hit_rate;
    a.hit_rate_lower = s.hit_rate_lower;
    a.reason = engine::LargeTradeReason(a, rule_);
    if (!engine::AdmitUnderRateLimit(recent[c.wallet], a.event_time_ms, rule_)) {
      ++out.alerts_rate_limited;
      continue;
    }
    out.alerts.push_back(std::move(a));
  }
  return out;
}

}  // namespace coattail::speed
