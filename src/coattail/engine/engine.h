// The whale-tracking engine: event-time ordering, positions and PnL, forward-return evaluation,
// alpha scoring, behaviour flags and alerts. Pure computation: input lines come from a source and
// outputs leave through the sinks below, so the same engine runs on files, pipes or Kinesis.
#ifndef COATTAIL_ENGINE_ENGINE_H_
#define COATTAIL_ENGINE_ENGINE_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/engine/engine_config.h"
#include "coattail/engine/portfolio.h"
#include "coattail/engine/ring_queue.h"
#include "coattail/engine/symbol_cache.h"
#include "coattail/engine/types.h"
#include "coattail/event/parser.h"
#include "coattail/stats/beta_estimator.h"
#include "coattail/stats/decayed_moments.h"
#include "coattail/stats/score.h"

namespace coattail::engine {

// An alert: a proven wallet made a big move.
struct Alert {
  std::string alert_id;  // hex fingerprint of (chain, tx_hash, log_index, rule)
  std::string rule;
  std::string chain;
  std::string tx_hash;
  int64_t log_index = 0;
  int64_t line = 0;
  std::string wallet;
  std::string token;
  std::string side;
  double usd_value = 0;
  int64_t event_time_ms = 0;
  int64_t horizon_ms = 0;
  double score = 0;  // shrunk alpha per trade at the primary horizon
  double t_stat = 0;
  double q_value = 1;
  double n = 0;  // effective number of resolved evaluations
  double hit_rate = 0;
  double hit_rate_lower = 0;
  std::string reason;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(const Alert& alert) = 0;
  // The trade behind an alert was retracted by a chain reorganisation.
  virtual void OnAlertRetracted(std::string_view alert_id, int64_t line) = 0;
};

class RejectSink {
 public:
  virtual ~RejectSink() = default;
  virtual void OnReject(int64_t line, std::string_view reason, std::string_view raw) = 0;
};

struct Counters {
  int64_t lines_read = 0;
  int64_t accepted = 0;  // trades + prices + retractions applied
  int64_t duplicates = 0;
  int64_t rejected = 0;
  int64_t trades = 0;
  int64_t prices = 0;
  int64_t retractions = 0;
  int64_t late = 0;             // part of rejected
  int64_t unpriced_trades = 0;  // accepted trades with no price to evaluate them against
  int64_t evaluations_scheduled = 0;
  int64_t evaluations_resolved = 0;
  int64_t evaluations_cancelled = 0;
  int64_t alerts = 0;
  int64_t alerts_rate_limited = 0;
  int64_t alerts_duplicate = 0;
  int64_t alerts_retracted = 0;
  int64_t score_snapshots = 0;
};

// One wallet's figures at one horizon: what `top`, `wallet` and the stores show.
struct WalletScoreRow {
  std::string wallet;
  int64_t horizon_ms = 0;
  std::string tier;
  double effective_n = 0;
  double mean_return = 0;
  double std_error = 0;
  double shrunk_alpha = 0;
  double t_stat = 0;
  double p_value = 1;
  double q_value = 1;
  double hit_rate = 0;
  double hit_rate_lower = 0;
  bool eligible = false;
  bool smart_money = false;
  bool bot_like = false;
  bool exchange_like = false;
  bool wash_like = false;
  double realized_pnl_usd = 0;
  double unrealized_pnl_usd = 0;
  double volume_usd = 0;
  int64_t trade_count = 0;
  int64_t as_of_ms = 0;
};

// Raw per-wallet moments with decay off, for cross-checking against an independent implementation.
struct WalletMomentsRow {
  std::string wallet;
  int64_t horizon_ms = 0;
  double n = 0;
  double mean = 0;
  double variance = 0;
};

class Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const EngineConfig& config,
                                                        AlertSink* alerts, RejectSink* rejects);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Processes one input line. `line` must be followed by simdjson::SIMDJSON_PADDING readable bytes.
  // `too_long` marks a line the reader had to cut; it is rejected without parsing.
  void ProcessLine(std::string_view line, int64_t line_number, bool too_long = false);
  // End of input: releases every buffered event and takes a final score snapshot.
  void Finish();

  const Counters& counters() const { return counters_; }
  const EngineConfig& config() const { return config_; }
  int64_t watermark_ms() const { return watermark_ms_; }
  size_t wallet_count() const { return wallets_.size(); }

  // Scores as of the last snapshot (Finish() takes one), every wallet and horizon, wallets in
  // first-seen order.
  std::vector<WalletScoreRow> ScoreRows() const;
  std::vector<WalletMomentsRow> MomentsRows() const;

  // Test hook: called for every resolved evaluation with (token, due time, resolving price time).
  using ResolutionObserver =
      std::function<void(std::string_view token, int64_t due_ms, int64_t resolved_at_ms)>;
  void set_resolution_observer(ResolutionObserver observer) { observer_ = std::move(observer); }

  // Bit-exact checkpoint of the whole state, including buffered events and counters.
  void SaveState(std::string& out) const;
  absl::Status LoadState(std::string_view in);

 private:
  struct Token;
  struct Wallet;
  struct Holding;
  struct TradeEffect;
  struct PendingEval {
    int64_t due_ms;
    uint64_t effect_seq;
    WalletId wallet;
    uint8_t horizon;
    int8_t side;  // +1 buy, -1 sell, 0 cancelled (the trade was retracted)
    // Logs of the token's and the benchmark's prices at the trade: a return is a difference of
    // logs, and each price's log is taken once, when the price arrives.
    double log_p0;
    double log_b0;
  };
  Engine(const EngineConfig& config, AlertSink* alerts, RejectSink* rejects);

  void Reject(int64_t line, std::string_view reason, std::string_view raw);
  void Compact(const event::EventView& ev, int64_t line, std::string_view raw, CompactEvent& out);
  TokenId InternToken(std::string_view symbol);
  ChainId InternChain(std::string_view chain);
  WalletId InternWallet(const Address& address);
  void ReleaseReady(int64_t bound_ms, bool all);
  // Trades touch a few records in tables of megabytes: the dedup slot, the holding, the wallet.
  // Their loads are started in two steps so that they overlap the work in between: the hash slots
  // when the event enters the reorder buffer (PrefetchSlots), and the records those slots lead to
  // a few events before it is applied (PrefetchRecords, through PrefetchThrough).
  void PrefetchSlots(const CompactEvent& e) const;
  void PrefetchRecords(const CompactEvent& e) const;
  // Runs PrefetchRecords on the buffer's events up to position `end` not yet done.
  void PrefetchThrough(size_t end);
  void Apply(const CompactEvent& e);
  void ApplyPrice(const CompactEvent& e);
  void ApplyTrade(const CompactEvent& e);
  void ApplyRetraction(const CompactEvent& e);
  // Marks the retracted trade's unresolved evaluations cancelled.
  void CancelPending(const TradeEffect& effect, uint64_t seq);
  void ResolveDue(Token& token, int64_t before_ms);
  // log B(time_ms): the log of the last benchmark price at or before time_ms; NaN before the first.
  double BenchmarkLogAt(int64_t time_ms, size_t hint_slot);
  // Drops benchmark prices no future lookup can reach (keeps checkpoints and memory bounded).
  void PruneBenchmarkHistory(int64_t now_ms);
  void MaybeSnapshot(int64_t now_ms);
  void TakeSnapshot(int64_t now_ms, bool all_horizons);
  void MaybeAlert(const CompactEvent& e, Wallet& w, TradeEffect& effect);
  void EvictEffects(int64_t now_ms);
  TradeEffect* EffectAt(uint64_t seq);
  // The newest remembered trade with this idempotency key, or nullptr.
  TradeEffect* FindEffect(const Key128& key);
  // The wallet's holding of the token: its index in holdings_, created when missing.
  uint32_t HoldingFor(WalletId wallet, TokenId token);
  // The same without creating it: kNoHolding (in engine.cc) when the wallet never traded the token.
  uint32_t HoldingIndex(WalletId wallet, TokenId token) const;
  static uint64_t HoldingKey(WalletId wallet, TokenId token) {
    return (uint64_t{wallet} << 32) | token;
  }
  std::string TierOf(const Wallet& w) const;
  bool BotLike(const Wallet& w) const;
  bool WashLike(const Wallet& w) const;
  bool ExchangeLike(const Wallet& w) const;

  EngineConfig config_;
  AlertSink* alert_sink_;
  RejectSink* reject_sink_;
  event::EventParser parser_;
  event::EventView parsed_;  // ProcessLine's scratch
  Counters counters_;

  // Interning tables. Ids are dense and assigned in processing order, so iteration over the vectors
  // is deterministic; the hash maps are rebuilt from the vectors on resume.
  std::vector<std::string> chain_names_;
  absl::flat_hash_map<std::string, ChainId> chain_ids_;
  SymbolCache chain_cache_;  // in front of chain_ids_
  SymbolCache token_cache_;  // in front of token_ids_
  std::vector<std::unique_ptr<Token>> tokens_;
  absl::flat_hash_map<std::string, TokenId> token_ids_;
  std::vector<std::unique_ptr<Wallet>> wallets_;
  // Addresses are effectively random bytes already, so three word loads mixed by multiplication
  // hash them well enough, without hashing all 20 bytes byte-stream style as absl::Hash does.
  struct AddressHash {
    size_t operator()(const Address& a) const {
      uint64_t x = 0;
      uint64_t y = 0;
      uint32_t z = 0;
      std::memcpy(&x, a.data(), 8);
      std::memcpy(&y, a.data() + 8, 8);
      std::memcpy(&z, a.data() + 16, 4);
      return static_cast<size_t>((x * 0x9e3779b97f4a7c15ULL) ^ (y * 0xbf58476d1ce4e5b9ULL) ^
                                 (z * 0x94d049bb133111ebULL));
    }
  };
  struct AddressEq {
    bool operator()(const Address& a, const Address& b) const {
      return std::memcmp(a.data(), b.data(), a.size()) == 0;
    }
  };
  absl::flat_hash_map<Address, WalletId, AddressHash, AddressEq> wallet_ids_;
  std::vector<uint64_t> wallet_ties_;     // AddressTie of each wallet; derived, not checkpointed
  std::vector<WalletId> snapshot_order_;  // wallet ids by address; derived, not checkpointed
  // Per horizon, the last p-value at each snapshot position (a pure cache, not checkpointed).
  std::array<std::vector<stats::PValueMemo>, kMaxHorizons> p_memo_;
  std::vector<Holding> holdings_;
  // (wallet, token) -> index in holdings_. Derived from holdings_, not checkpointed. A hash map,
  // not a row per wallet: a chain has hundreds of thousands of tokens.
  absl::flat_hash_map<uint64_t, uint32_t> holding_ids_;

  // Reorder buffer with bounded lateness, sorted by GroupBefore; input is nearly ordered, so
  // inserts land at or near the back.
  RingQueue<CompactEvent> buffer_;
  // ReleaseReady's scratch: a group's sort keys beside their buffer positions, sorted as one
  // contiguous array instead of through the ring.
  struct ReleaseKey {
    uint64_t tie;
    uint64_t seq;
    size_t index;
  };
  std::vector<ReleaseKey> release_order_;
  size_t prefetched_ = 0;  // buffer_[0, prefetched_) had PrefetchRecords
  absl::flat_hash_map<uint64_t, std::string>
      retraction_raw_;                // seq -> input line, for dead letters
  int64_t watermark_ms_ = INT64_MIN;  // highest event time seen
  uint64_t next_seq_ = 0;

  // Benchmark price history, for B(t + h) at resolution time.
  TokenId benchmark_id_ = 0;
  std::vector<int64_t> bench_times_;
  std::vector<double> bench_prices_;
  std::vector<double> bench_log_prices_;  // log of each; derived, not checkpointed
  // Due times resolve roughly in order per horizon, so the last position found is a good start.
  std::array<size_t, kMaxHorizons> bench_hint_{};

  // Trades remembered for the dedup window, in processing (= time) order.
  RingQueue<TradeEffect> effects_;
  uint64_t effects_base_seq_ = 0;  // seq of effects_.front()
  // Key -> seq of the newest trade with that key. Entries are not erased when their trade leaves
  // effects_ (EffectAt no longer finds it, so a stale entry is inert); EvictEffects drops them in
  // bulk, which saves a hash lookup per trade.
  struct Key128Hash {
    // Keys are already uniformly mixed 128-bit fingerprints.
    size_t operator()(const Key128& k) const { return static_cast<size_t>(k.lo); }
  };
  absl::flat_hash_map<Key128, uint64_t, Key128Hash> effect_by_key_;

  absl::flat_hash_map<Key128, bool> alert_ids_;  // alerts emitted (value: retracted)
  int64_t next_snapshot_ms_ = INT64_MIN;
  int64_t snapshot_time_ms_ = INT64_MIN;
  bool finished_ = false;
  ResolutionObserver observer_;
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_ENGINE_H_
