// The whale-tracking engine: event-time ordering, positions and PnL, forward-return evaluation,
// alpha scoring, behaviour flags and alerts. Pure computation: input lines come from a source and
// outputs leave through the sinks below, so the same engine runs on files, pipes or Kinesis.
#ifndef COATTAIL_ENGINE_ENGINE_H_
#define COATTAIL_ENGINE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/engine/alerts.h"
#include "coattail/engine/engine_config.h"
#include "coattail/engine/types.h"
#include "coattail/event/parser.h"

namespace coattail::engine {
namespace internal {
struct State;
struct Token;
struct Wallet;
struct TradeEffect;
}  // namespace internal

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

  const Counters& counters() const;
  const EngineConfig& config() const { return config_; }
  int64_t watermark_ms() const;
  size_t wallet_count() const;

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
  using State = internal::State;
  Engine(const EngineConfig& config, AlertSink* alerts, RejectSink* rejects);

  // ---- Ingest and apply (engine.cc). ----
  void Reject(int64_t line, std::string_view reason, std::string_view raw);
  void Compact(const event::EventView& ev, int64_t line, std::string_view raw, CompactEvent& out);
  TokenId InternToken(std::string_view symbol);
  ChainId InternChain(std::string_view chain);
  WalletId InternWallet(const Address& address);
  // The wallet's holding of the token: its index in the holdings, created when missing.
  uint32_t HoldingFor(WalletId wallet, TokenId token);
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
  void ResolveDue(internal::Token& token, int64_t before_ms);
  // log B(time_ms): the log of the last benchmark price at or before time_ms; NaN before the first.
  double BenchmarkLogAt(int64_t time_ms, size_t hint_slot);
  // Drops benchmark prices no future lookup can reach (keeps checkpoints and memory bounded).
  void PruneBenchmarkHistory(int64_t now_ms);
  void EvictEffects(int64_t now_ms);

  // ---- Alerts (alerts.cc). ----
  void MaybeAlert(const CompactEvent& e, internal::Wallet& w, internal::TradeEffect& effect);

  // ---- Snapshots, flags, tiers and row exports (engine_scoring.cc). ----
  void MaybeSnapshot(int64_t now_ms);
  void TakeSnapshot(int64_t now_ms, bool all_horizons);
  std::string TierOf(const internal::Wallet& w) const;
  bool BotLike(const internal::Wallet& w) const;
  bool WashLike(const internal::Wallet& w) const;
  bool ExchangeLike(const internal::Wallet& w) const;

  const EngineConfig config_;
  const AlertRule alert_rule_;
  AlertSink* alert_sink_;
  RejectSink* reject_sink_;
  event::EventParser parser_;
  event::EventView parsed_;  // ProcessLine's scratch
  ResolutionObserver observer_;
  // Everything that changes as events arrive: a checkpoint is this one value.
  std::unique_ptr<State> state_;
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_ENGINE_H_
