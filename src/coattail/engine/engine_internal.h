// The engine's private records and its one State: included by the engine's own translation units
// (engine.cc, engine_checkpoint.cc, engine_scoring.cc, alerts.cc) and by nothing else.
//
// Every piece of mutable engine state is a member of State, so a checkpoint is one value: SaveState
// writes a State, LoadState builds a fresh one and moves it in. A new piece of state is a member
// here plus its lines in engine_checkpoint.cc (or in RebuildDerived, when it is a cache).
#ifndef COATTAIL_ENGINE_ENGINE_INTERNAL_H_
#define COATTAIL_ENGINE_ENGINE_INTERNAL_H_

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "coattail/engine/engine.h"
#include "coattail/engine/hash.h"
#include "coattail/engine/portfolio.h"
#include "coattail/engine/ring_queue.h"
#include "coattail/engine/symbol_cache.h"
#include "coattail/engine/types.h"
#include "coattail/stats/beta_estimator.h"
#include "coattail/stats/decayed_moments.h"
#include "coattail/stats/score.h"

namespace coattail::engine::internal {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr int64_t kUnresolved = INT64_MIN;  // event times are validated: never a real time
inline constexpr uint32_t kNoHolding = UINT32_MAX;
static_assert(kMaxHorizons == 4, "TradeEffect::r_time_ms lists one initialiser per horizon");

enum EffectFlags : uint8_t {
  kBotPair = 1,   // completed a same-block round trip
  kWashPair = 2,  // completed a matched self round trip
};

// A forward-return evaluation waiting for its due time, in its token's queue for one horizon.
struct PendingEval {
  int64_t due_ms = 0;
  uint64_t effect_seq = 0;
  WalletId wallet = 0;
  uint8_t horizon = 0;
  int8_t side = 0;  // +1 buy, -1 sell, 0 cancelled (the trade was retracted)
  // Logs of the token's and the benchmark's prices at the trade: a return is a difference of
  // logs, and each price's log is taken once, when the price arrives.
  double log_p0 = 0;
  double log_b0 = 0;
};

struct Token {
  std::string symbol;
  uint64_t tie = 0;  // SymbolTie(symbol); derived, not checkpointed
  bool is_benchmark = false;
  bool has_price = false;
  int64_t last_time_ms = 0;
  double last_price = 0;
  double last_log_price = 0;        // log(last_price); derived, not checkpointed
  double bench_at_last = kNaN;      // benchmark price when last_price was recorded
  double bench_log_at_last = kNaN;  // its log; derived
  stats::BetaEstimator beta;
  // One FIFO per horizon: trades are applied in event-time order, so t + h only grows in each.
  std::array<RingQueue<PendingEval>, kMaxHorizons> pending;
};

struct Holding {
  WalletId wallet = 0;
  TokenId token = 0;
  Position position;
  // The previous trade of this wallet in this token, for round-trip detection.
  int64_t last_time_ms = INT64_MIN;
  int64_t last_block = -1;
  double last_amount = 0;
  ChainId last_chain = 0;
  int8_t last_side = 0;  // 0: no open leg
};

struct ScoreSnapshot {
  double effective_n = 0;
  double mean = 0;
  double std_error = 0;
  double shrunk_alpha = 0;
  double t_stat = 0;
  double p_value = 1;
  double q_value = 1;
  double hit_rate = 0;
  double hit_rate_lower = 0;
  bool eligible = false;
  bool smart_money = false;  // the statistical gate and no behaviour flag
};

// Cache-line aligned, with what every trade updates first: a trade touches the first two lines
// (PrefetchRecords asks for both) and the score snapshot only when it is large enough to alert.
struct alignas(64) Wallet {
  double volume_usd = 0;
  double buy_usd = 0;
  double sell_usd = 0;
  double max_trade_usd = 0;
  int64_t trade_count = 0;
  int64_t bot_pairs = 0;
  int64_t wash_pairs = 0;
  int64_t first_ms = INT64_MAX;
  // Second line.
  int64_t last_ms = INT64_MIN;
  Address address{};
  std::vector<uint32_t> holdings;
  // One per configured horizon, the rest unused. Inline rather than in a vector of its own, so that
  // ResolveDue's prefetch of the next evaluation's moments needs no load of a vector's pointer.
  std::array<stats::DecayedMoments, kMaxHorizons> moments;
  std::array<ScoreSnapshot, kMaxHorizons> snap{};
  bool bot_like = false;
  bool exchange_like = false;
  bool wash_like = false;
  std::deque<int64_t> recent_alerts;  // event times of alerts inside the rate window
};

// What a trade did, remembered for the dedup window: enough to recognise a duplicate and to undo
// the trade exactly when a reorganisation retracts it.
struct TradeEffect {
  Key128 key;
  Key128 alert_key;
  int64_t time_ms = 0;
  WalletId wallet = 0;
  uint32_t holding = 0;
  int8_t side = 1;
  bool retracted = false;
  bool alerted = false;
  uint8_t flags = 0;
  double amount = 0;
  double price = 0;
  double usd = 0;
  SellEffect sell;
  std::array<double, kMaxHorizons> r{};
  // The time DecayedMoments::Add used for the resolved return r[h]; kUnresolved until then.
  // Resolution only writes these (no read-modify-write of a flag): the record is a day old by
  // then and not in cache, and a store does not wait for the line the way a load does.
  std::array<int64_t, kMaxHorizons> r_time_ms = {kUnresolved, kUnresolved, kUnresolved,
                                                 kUnresolved};

  bool resolved(size_t h) const { return r_time_ms[h] != kUnresolved; }
  uint8_t resolved_mask() const {
    uint8_t mask = 0;
    for (size_t h = 0; h < static_cast<size_t>(kMaxHorizons); ++h) {
      if (resolved(h)) mask = static_cast<uint8_t>(mask | (1u << h));
    }
    return mask;
  }
};

// ReleaseReady's scratch: a group's sort keys beside their buffer positions, sorted as one
// contiguous array instead of through the ring.
struct ReleaseKey {
  uint64_t tie;
  uint64_t seq;
  size_t index;
};

inline uint64_t HoldingKey(WalletId wallet, TokenId token) {
  return (uint64_t{wallet} << 32) | token;
}

struct State {
  Counters counters;

  // Interning tables. Ids are dense and assigned in processing order, so iteration over the vectors
  // is deterministic; the hash maps are rebuilt from the vectors on resume.
  std::vector<std::string> chain_names;
  absl::flat_hash_map<std::string, ChainId> chain_ids;
  std::vector<std::unique_ptr<Token>> tokens;
  absl::flat_hash_map<std::string, TokenId> token_ids;
  TokenId benchmark_id = 0;
  std::vector<std::unique_ptr<Wallet>> wallets;
  absl::flat_hash_map<Address, WalletId, AddressHash, AddressEq> wallet_ids;
  std::vector<Holding> holdings;
  // (wallet, token) -> index in holdings. A hash map, not a row per wallet: a chain has hundreds of
  // thousands of tokens.
  absl::flat_hash_map<uint64_t, uint32_t> holding_ids;

  // Reorder buffer with bounded lateness, sorted by GroupBefore; input is nearly ordered, so
  // inserts land at or near the back.
  RingQueue<CompactEvent> buffer;
  absl::flat_hash_map<uint64_t, std::string> retraction_raw;  // seq -> input line, for dead letters
  int64_t watermark_ms = INT64_MIN;                           // highest event time seen
  uint64_t next_seq = 0;

  // Benchmark price history, for B(t + h) at resolution time.
  std::vector<int64_t> bench_times;
  std::vector<double> bench_prices;

  // Trades remembered for the dedup window, in processing (= time) order.
  RingQueue<TradeEffect> effects;
  uint64_t effects_base_seq = 0;  // seq of effects.front()
  // Key -> seq of the newest trade with that key. Entries are not erased when their trade leaves
  // effects (EffectAt no longer finds it, so a stale entry is inert); EvictEffects drops them in
  // bulk, which saves a hash lookup per trade.
  absl::flat_hash_map<Key128, uint64_t, Key128Hash> effect_by_key;

  absl::flat_hash_map<Key128, bool> alert_ids;  // alerts emitted (value: retracted)
  int64_t next_snapshot_ms = INT64_MIN;
  int64_t snapshot_time_ms = INT64_MIN;
  bool finished = false;

  // ---- Derived: caches and scratch, rebuilt by RebuildDerived, never checkpointed. ----
  SymbolCache chain_cache;               // in front of chain_ids
  SymbolCache token_cache;               // in front of token_ids
  std::vector<uint64_t> wallet_ties;     // AddressTie of each wallet
  std::vector<WalletId> snapshot_order;  // wallet ids by address; rebuilt when wallets are added
  // Per horizon, the last p-value at each snapshot position.
  std::array<std::vector<stats::PValueMemo>, kMaxHorizons> p_memo;
  std::vector<double> bench_log_prices;  // log of each bench_prices entry
  // Due times resolve roughly in order per horizon, so the last position found is a good start.
  std::array<size_t, kMaxHorizons> bench_hint{};
  std::vector<ReleaseKey> release_order;
  size_t prefetched = 0;  // buffer[0, prefetched) had PrefetchRecords

  // Recomputes every derived member from the checkpointed ones (after a load).
  void RebuildDerived();
  // Marks the unresolved evaluations of the trade `effect` (sequence `seq`) cancelled, in the
  // first `horizons` queues of its token.
  void CancelPending(const TradeEffect& effect, uint64_t seq, size_t horizons);

  TradeEffect* EffectAt(uint64_t seq) {
    if (seq < effects_base_seq || seq - effects_base_seq >= effects.size()) return nullptr;
    return &effects[seq - effects_base_seq];
  }
  // The newest remembered trade with this idempotency key, or nullptr.
  TradeEffect* FindEffect(const Key128& key) {
    auto it = effect_by_key.find(key);
    return it == effect_by_key.end() ? nullptr : EffectAt(it->second);
  }
  // The wallet's holding of the token, or kNoHolding when the wallet never traded the token.
  uint32_t HoldingIndex(WalletId wallet, TokenId token) const {
    const auto it = holding_ids.find(HoldingKey(wallet, token));
    return it == holding_ids.end() ? kNoHolding : it->second;
  }
};

}  // namespace coattail::engine::internal

#endif  // COATTAIL_ENGINE_ENGINE_INTERNAL_H_
