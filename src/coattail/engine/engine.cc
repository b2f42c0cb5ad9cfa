#include "coattail/engine/engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/engine/binary_io.h"
#include "coattail/engine/hash.h"
#include "coattail/stats/score.h"

namespace coattail::engine {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr uint32_t kStateMagic = 0x43545331;  // "CTS1"
// 2: trade effects are written field by field, only the parts in use (v1: raw structs).
// 3: CompactEvent gained the content tie-breaker.
// 4: pending evaluations hold the logs of the prices at the trade.
constexpr uint32_t kStateVersion = 4;
// The benchmark history is pruned each time it reaches a multiple of this many entries. A function
// of the history's size alone, so a resumed run prunes at exactly the same points.
constexpr size_t kBenchmarkPruneEvery = 4096;
constexpr std::string_view kRuleLargeTrade = "smart_money_large_trade";
constexpr uint32_t kNoHolding = UINT32_MAX;
// How many events ahead of the one being applied ReleaseReady prefetches for.
constexpr size_t kPrefetchAhead = 8;
constexpr int64_t kUnresolved = INT64_MIN;  // event times are validated, so never a real time
static_assert(kMaxHorizons == 4, "TradeEffect::r_time_ms lists one initialiser per horizon");

enum EffectFlags : uint8_t {
  kBotPair = 1,   // completed a same-block round trip
  kWashPair = 2,  // completed a matched self round trip
};

// FNV-1a: a fixed function of the symbol's bytes, the same in every run and on every machine.
uint64_t SymbolTie(std::string_view symbol) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : symbol) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t AddressTie(const Address& address) {
  return SymbolTie(std::string_view(reinterpret_cast<const char*>(address.data()), address.size()));
}

std::string FormatHorizon(int64_t ms) {
  if (ms % 3'600'000 == 0) return absl::StrCat(ms / 3'600'000, "h");
  if (ms % 60'000 == 0) return absl::StrCat(ms / 60'000, "m");
  return absl::StrCat(ms, "ms");
}

std::string FormatUsd(double usd) {
  if (usd >= 1e6) return absl::StrFormat("$%.2fM", usd / 1e6);
  if (usd >= 1e3) return absl::StrFormat("$%.1fk", usd / 1e3);
  return absl::StrFormat("$%.2f", usd);
}

}  // namespace

struct Engine::Token {
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

struct Engine::Holding {
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
struct alignas(64) Engine::Wallet {
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

struct Engine::TradeEffect {
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

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(const EngineConfig& config,
                                                       AlertSink* alerts, RejectSink* rejects) {
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  return std::unique_ptr<Engine>(new Engine(config, alerts, rejects));
}

Engine::Engine(const EngineConfig& config, AlertSink* alerts, RejectSink* rejects)
    : config_(config), alert_sink_(alerts), reject_sink_(rejects) {
  benchmark_id_ = InternToken(config_.benchmark);
  tokens_[benchmark_id_]->is_benchmark = true;
}

Engine::~Engine() = default;

void Engine::Reject(int64_t line, std::string_view reason, std::string_view raw) {
  ++counters_.rejected;
  if (reject_sink_ != nullptr) reject_sink_->OnReject(line, reason, raw);
}

TokenId Engine::InternToken(std::string_view symbol) {
  if (const uint32_t cached = token_cache_.Find(symbol); cached != SymbolCache::kMiss) {
    return cached;
  }
  if (auto it = token_ids_.find(absl::string_view(symbol.data(), symbol.size()));
      it != token_ids_.end()) {
    token_cache_.Insert(symbol, it->second);
    return it->second;
  }
  const auto id = static_cast<TokenId>(tokens_.size());
  token_cache_.Insert(symbol, id);
  auto token = std::make_unique<Token>();
  token->symbol = std::string(symbol);
  token->tie = SymbolTie(symbol);
  token->beta = stats::BetaEstimator(config_.beta_prior_strength);
  tokens_.push_back(std::move(token));
  token_ids_.emplace(std::string(symbol), id);
  return id;
}

ChainId Engine::InternChain(std::string_view chain) {
  if (const uint32_t cached = chain_cache_.Find(chain); cached != SymbolCache::kMiss) {
    return static_cast<ChainId>(cached);
  }
  if (auto it = chain_ids_.find(absl::string_view(chain.data(), chain.size()));
      it != chain_ids_.end()) {
    chain_cache_.Insert(chain, it->second);
    return it->second;
  }
  const auto id = static_cast<ChainId>(chain_names_.size());
  chain_cache_.Insert(chain, id);
  chain_names_.emplace_back(chain);
  chain_ids_.emplace(std::string(chain), id);
  return id;
}

WalletId Engine::InternWallet(const Address& address) {
  if (auto it = wallet_ids_.find(address); it != wallet_ids_.end()) return it->second;
  const auto id = static_cast<WalletId>(wallets_.size());
  auto wallet = std::make_unique<Wallet>();
  wallet->address = address;
  wallet->moments.fill(stats::DecayedMoments(config_.half_life_ms));
  wallets_.push_back(std::move(wallet));
  wallet_ties_.push_back(AddressTie(address));
  wallet_ids_.emplace(address, id);
  return id;
}

uint32_t Engine::HoldingIndex(WalletId wallet, TokenId token) const {
  const auto it = holding_ids_.find(HoldingKey(wallet, token));
  return it == holding_ids_.end() ? kNoHolding : it->second;
}

uint32_t Engine::HoldingFor(WalletId wallet, TokenId token) {
  const auto index = static_cast<uint32_t>(holdings_.size());
  const auto [it, inserted] = holding_ids_.try_emplace(HoldingKey(wallet, token), index);
  if (!inserted) return it->second;
  Holding h;
  h.wallet = wallet;
  h.token = token;
  holdings_.push_back(h);
  wallets_[wallet]->holdings.push_back(index);
  return index;
}

void Engine::Compact(const event::EventView& ev, int64_t line, std::string_view raw,
                     CompactEvent& out) {
  // `out` is a reused slot: every field is assigned, on both branches.
  out.line = line;
  out.seq = next_seq_++;
  out.reserved0 = 0;
  out.reserved1 = 0;
  if (ev.kind == event::EventKind::kPrice) {
    out.time_ms = ev.price.time_ms;
    out.token = InternToken(ev.price.token);
    out.cls = out.token == benchmark_id_ ? EventClass::kBenchmarkPrice : EventClass::kPrice;
    out.tie = tokens_[out.token]->tie;
    out.price_usd = ev.price.price_usd;
    out.removed = false;
    out.side = 1;
    out.chain = 0;
    out.wallet = 0;
    out.block_number = 0;
    out.log_index = 0;
    out.amount = 0;
    out.usd_value = 0;
    out.key = Key128{};
    out.tx = TxHash{};
    return;
  }
  const event::TradeView& t = ev.trade;
  // Decoded by the parser, which validates these fields by decoding them.
  const Address& address = t.wallet_bytes;
  out.tx = t.tx_hash_bytes;
  out.time_ms = t.block_time_ms;
  out.cls = EventClass::kTrade;
  out.removed = t.removed;
  out.side = t.side == event::Side::kBuy ? 1 : -1;
  out.chain = InternChain(t.chain);
  out.token = InternToken(t.token);
  out.wallet = InternWallet(address);
  out.tie = wallet_ties_[out.wallet];
  out.block_number = t.block_number;
  out.log_index = t.log_index;
  out.amount = t.amount;
  out.price_usd = t.price_usd;
  out.usd_value = t.usd_value;
  out.key = TradeKey(t.chain, out.tx, t.log_index);
  if (t.removed) retraction_raw_.emplace(out.seq, std::string(raw));
}

void Engine::ProcessLine(std::string_view line, int64_t line_number, bool too_long) {
  ++counters_.lines_read;
  if (too_long) {
    Reject(line_number, "line too long", line);
    return;
  }
  // A member reused for every line: a fresh EventView is 200-odd bytes to zero per line, and
  // the parser sets every field of the kind it reports.
  event::EventView& ev = parsed_;
  if (absl::Status s = parser_.Parse(line, ev); !s.ok()) {
    Reject(line_number, std::string_view(s.message().data(), s.message().size()), line);
    return;
  }
  const int64_t t = ev.time_ms();
  if (watermark_ms_ != INT64_MIN && t < watermark_ms_ - config_.lateness_ms) {
    ++counters_.late;
    // One stable reason per configuration, so dead-letter counts per reason stay meaningful; the
    // line itself is kept in the dead-letter record.
    Reject(line_number,
           absl::StrCat("late: more than the lateness window (", config_.lateness_ms,
                        " ms) behind the newest event time"),
           line);
    return;
  }
  // Built in the buffer's next slot: nearly every event belongs at the back.
  CompactEvent& slot = buffer_.emplace_back_for_overwrite();
  Compact(ev, line_number, line, slot);
  PrefetchSlots(slot);
  // The buffer is kept sorted by (time, class) only, equal keys in arrival order; the content
  // tie-break is applied when a group is released. Events of one instant arrive in whatever order
  // the source interleaved them (for prices, the feed's token order), so sorting them here would
  // shift most of each group's slots on every insert.
  if (buffer_.size() > 1 && GroupBefore(slot, buffer_[buffer_.size() - 2])) {
    // Out of order: after the last event that is not processed after it (upper bound).
    const CompactEvent ce = slot;
    buffer_.pop_back();
    buffer_.insert(
        buffer_.PartitionPoint([&ce](const CompactEvent& x) { return !GroupBefore(ce, x); }), ce);
  }
  if (t > watermark_ms_) watermark_ms_ = t;
  ReleaseReady(watermark_ms_ - config_.lateness_ms, false);
}

void Engine::PrefetchSlots(const CompactEvent& e) const {
  if (e.cls != EventClass::kTrade) return;
  effect_by_key_.prefetch(e.key);
  holding_ids_.prefetch(HoldingKey(e.wallet, e.token));
}

void Engine::PrefetchRecords(const CompactEvent& e) const {
  if (e.cls != EventClass::kTrade) {
    // A price resolves its token's due evaluations from the front of each horizon's queue, which
    // moves on a line every few evaluations and was last read a token's price ago.
    const Token& token = *tokens_[e.token];
    for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
      const RingQueue<PendingEval>& q = token.pending[h];
      if (!q.empty()) __builtin_prefetch(&q.front());
    }
    return;
  }
  effect_by_key_.prefetch(e.key);
  if (const uint32_t index = HoldingIndex(e.wallet, e.token); index != kNoHolding) {
    // A holding is 72 bytes, so it may span two lines.
    const Holding& h = holdings_[index];
    __builtin_prefetch(&h.wallet);
    __builtin_prefetch(&h.last_side);
  }
  // The wallet's trade figures, and for a large trade the score snapshot MaybeAlert reads.
  const Wallet* w = wallets_[e.wallet].get();
  __builtin_prefetch(&w->volume_usd);
  __builtin_prefetch(&w->last_ms);
  if (e.usd_value >= config_.alert_min_usd) {
    __builtin_prefetch(&w->snap[static_cast<size_t>(config_.primary_horizon)].smart_money);
  }
}

void Engine::PrefetchThrough(size_t end) {
  end = std::min(end, buffer_.size());
  for (; prefetched_ < end; ++prefetched_) PrefetchRecords(buffer_[prefetched_]);
}

void Engine::ReleaseReady(int64_t bound_ms, bool all) {
  // Strictly earlier than the bound: an event stamped exactly at the bound may still arrive without
  // being late, and it might have to be processed before one already buffered (class order). So a
  // released time is complete: every later event of that time is rejected as late, and a whole
  // (time, class) group can be ordered by ProcessedBefore here.
  while (!buffer_.empty() && (all || buffer_.front().time_ms < bound_ms)) {
    const CompactEvent& first = buffer_.front();
    size_t n = 1;
    while (n < buffer_.size() && !GroupBefore(first, buffer_[n])) ++n;
    // Trades of one block come as a group: their records are all asked for before the first is
    // applied, and those of the next few events too.
    PrefetchThrough(n + kPrefetchAhead);
    if (n == 1) {
      // Applied in place: Apply never adds to the buffer, so the slot stays put until popped.
      Apply(first);
    } else {
      // The group shares time and class, so ProcessedBefore comes down to (tie, seq).
      release_order_.resize(n);
      for (size_t i = 0; i < n; ++i) release_order_[i] = {buffer_[i].tie, buffer_[i].seq, i};
      std::sort(release_order_.begin(), release_order_.end(),
                [](const ReleaseKey& a, const ReleaseKey& b) {
                  return a.tie != b.tie ? a.tie < b.tie : a.seq < b.seq;
                });
      for (const ReleaseKey& k : release_order_) Apply(buffer_[k.index]);
    }
    for (size_t i = 0; i < n; ++i) buffer_.pop_front();
    prefetched_ -= n;
  }
}

void Engine::Finish() {
  ReleaseReady(0, true);
  const int64_t now = watermark_ms_ == INT64_MIN ? 0 : watermark_ms_;
  TakeSnapshot(now, /*all_horizons=*/true);
  finished_ = true;
}

void Engine::Apply(const CompactEvent& e) {
  MaybeSnapshot(e.time_ms);
  if (e.cls == EventClass::kTrade) {
    EvictEffects(e.time_ms);
    if (e.removed) {
      ApplyRetraction(e);
    } else {
      ApplyTrade(e);
    }
  } else {
    ApplyPrice(e);
  }
}

double Engine::BenchmarkLogAt(int64_t time_ms, size_t hint_slot) {
  // The answer is the last benchmark price stamped at or before time_ms.
  size_t& hint = bench_hint_[hint_slot];
  const size_t n = bench_times_.size();
  if (hint < n && bench_times_[hint] <= time_ms &&
      (hint + 1 == n || bench_times_[hint + 1] > time_ms)) {
    return bench_log_prices_[hint];
  }
  if (hint + 1 < n && bench_times_[hint + 1] <= time_ms &&
      (hint + 2 == n || bench_times_[hint + 2] > time_ms)) {
    return bench_log_prices_[++hint];
  }
  auto it = std::upper_bound(bench_times_.begin(), bench_times_.end(), time_ms);
  if (it == bench_times_.begin()) return kNaN;
  hint = static_cast<size_t>(it - bench_times_.begin() - 1);
  return bench_log_prices_[hint];
}

void Engine::PruneBenchmarkHistory(int64_t now_ms) {
  // Benchmark prices are only looked up at due times. Events are applied in time order, so a
  // future trade's due time is after now_ms, and each pending queue's front has its earliest due
  // time. Everything before the last entry at or before the earliest possible lookup is dead.
  int64_t earliest = now_ms;
  for (const auto& token : tokens_) {
    for (const RingQueue<PendingEval>& q : token->pending) {
      if (!q.empty()) earliest = std::min(earliest, q.front().due_ms);
    }
  }
  const auto it = std::upper_bound(bench_times_.begin(), bench_times_.end(), earliest);
  if (it == bench_times_.begin()) return;
  const auto dead = static_cast<size_t>(it - bench_times_.begin() - 1);
  if (dead == 0) return;
  bench_times_.erase(bench_times_.begin(), bench_times_.begin() + static_cast<ptrdiff_t>(dead));
  bench_prices_.erase(bench_prices_.begin(), bench_prices_.begin() + static_cast<ptrdiff_t>(dead));
  bench_log_prices_.erase(bench_log_prices_.begin(),
                          bench_log_prices_.begin() + static_cast<ptrdiff_t>(dead));
  for (size_t& hint : bench_hint_) hint = hint >= dead ? hint - dead : 0;
}

Engine::TradeEffect* Engine::EffectAt(uint64_t seq) {
  if (seq < effects_base_seq_ || seq - effects_base_seq_ >= effects_.size()) return nullptr;
  return &effects_[seq - effects_base_seq_];
}

Engine::TradeEffect* Engine::FindEffect(const Key128& key) {
  auto it = effect_by_key_.find(key);
  return it == effect_by_key_.end() ? nullptr : EffectAt(it->second);
}

void Engine::EvictEffects(int64_t now_ms) {
  while (!effects_.empty() && effects_.front().time_ms < now_ms - config_.dedup_window_ms) {
    effects_.pop_front();
    ++effects_base_seq_;
  }
  // The next trade reads the time of the record after the front, a day old and out of cache.
  if (effects_.size() > 1) __builtin_prefetch(&effects_[1].time_ms);
  // Stale keys are dropped in bulk once they are as many as the live ones (amortised O(1) per
  // trade, at most about twice the window in memory).
  if (effect_by_key_.size() > 2 * effects_.size() + 1024) {
    for (auto it = effect_by_key_.begin(); it != effect_by_key_.end();) {
      if (it->second < effects_base_seq_) {
        effect_by_key_.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

void Engine::ResolveDue(Token& token, int64_t before_ms) {
  const size_t horizons = config_.horizons_ms.size();
  while (true) {
    // The earliest due time across the horizons' queues, so resolution runs in due order.
    size_t next = horizons;
    for (size_t h = 0; h < horizons; ++h) {
      const RingQueue<PendingEval>& q = token.pending[h];
      if (!q.empty() && q.front().due_ms < before_ms &&
          (next == horizons || q.front().due_ms < token.pending[next].front().due_ms)) {
        next = h;
      }
    }
    if (next == horizons) return;
    const PendingEval pe = token.pending[next].front();
    token.pending[next].pop_front();
    // The next evaluation in this queue is often due too: start loading its wallet's moments.
    if (!token.pending[next].empty()) {
      const PendingEval& following = token.pending[next].front();
      __builtin_prefetch(&wallets_[following.wallet]->moments[following.horizon]);
    }
    // A retraction marks its trade's pending evaluations (side 0), so the trade's record, a day
    // old and out of cache, is not read here; it is only written below.
    if (pe.side == 0) {
      ++counters_.evaluations_cancelled;
      continue;
    }
    TradeEffect* effect = EffectAt(pe.effect_seq);
    // The token's last price is the last at or before the due time: a later one would already have
    // resolved this evaluation. The benchmark may have moved on, so it is looked up.
    const double log_b1 = BenchmarkLogAt(pe.due_ms, next);
    const double r = static_cast<double>(pe.side) * ((token.last_log_price - pe.log_p0) -
                                                     token.beta.beta() * (log_b1 - pe.log_b0));
    // Add fails only on non-finite input or times beyond +-2^61 ms; prices are finite and > 0 and
    // event times are validated, so r and before_ms are always acceptable.
    const absl::StatusOr<int64_t> used = wallets_[pe.wallet]->moments[pe.horizon].Add(r, before_ms);
    if (effect != nullptr && used.ok()) {
      // Remove must be given the time Add actually used (it never goes backwards).
      effect->r[pe.horizon] = r;
      effect->r_time_ms[pe.horizon] = *used;
    }
    ++counters_.evaluations_resolved;
    if (observer_) observer_(token.symbol, pe.due_ms, before_ms);
  }
}

void Engine::ApplyPrice(const CompactEvent& e) {
  Token& token = *tokens_[e.token];
  ResolveDue(token, e.time_ms);
  // The one log this price needs: returns are differences of logs.
  const double log_price = std::log(e.price_usd);
  if (token.is_benchmark) {
    if (token.has_price) {
      const double y = log_price - token.last_log_price;
      // Add rejects only non-finite input; logs of finite positive prices are finite.
      token.beta.Add(y, y).IgnoreError();
    }
    bench_times_.push_back(e.time_ms);
    bench_prices_.push_back(e.price_usd);
    bench_log_prices_.push_back(log_price);
    if (bench_times_.size() % kBenchmarkPruneEvery == 0) PruneBenchmarkHistory(e.time_ms);
    token.bench_at_last = e.price_usd;
    token.bench_log_at_last = log_price;
  } else {
    const bool bench_known = !bench_prices_.empty();
    const double bench_now = bench_known ? bench_prices_.back() : kNaN;
    const double bench_log_now = bench_known ? bench_log_prices_.back() : kNaN;
    if (token.has_price && !std::isnan(token.bench_at_last) && bench_known) {
      token.beta.Add(bench_log_now - token.bench_log_at_last, log_price - token.last_log_price)
          .IgnoreError();
    }
    token.bench_at_last = bench_now;
    token.bench_log_at_last = bench_log_now;
  }
  token.has_price = true;
  token.last_time_ms = e.time_ms;
  token.last_price = e.price_usd;
  token.last_log_price = log_price;
  ++counters_.prices;
  ++counters_.accepted;
}

void Engine::ApplyTrade(const CompactEvent& e) {
  const uint64_t seq = effects_base_seq_ + effects_.size();
  // One probe: claims the key for this trade unless a live trade already holds it. A key seen
  // again after its retraction is the trade re-included by the reorganisation.
  if (auto [it, inserted] = effect_by_key_.try_emplace(e.key, seq); !inserted) {
    if (const TradeEffect* previous = EffectAt(it->second);
        previous != nullptr && !previous->retracted) {
      ++counters_.duplicates;
      return;
    }
    it->second = seq;
  }
  Wallet& w = *wallets_[e.wallet];
  const uint32_t holding = HoldingFor(e.wallet, e.token);
  Holding& h = holdings_[holding];
  // Every field is assigned: the slot is reused. A new field must be assigned here too.
  static_assert(sizeof(TradeEffect) == 176, "update the field assignments below");
  TradeEffect& effect = effects_.emplace_back_for_overwrite();
  effect.key = e.key;
  effect.alert_key = Key128{};
  effect.time_ms = e.time_ms;
  effect.wallet = e.wallet;
  effect.holding = holding;
  effect.side = e.side;
  effect.retracted = false;
  effect.alerted = false;
  effect.flags = 0;
  effect.amount = e.amount;
  effect.price = e.price_usd;
  effect.usd = e.usd_value;
  effect.sell = SellEffect{};
  effect.r = {};
  effect.r_time_ms = {kUnresolved, kUnresolved, kUnresolved, kUnresolved};

  // Round trips: this trade closes the open opposite leg of the same wallet and token.
  if (h.last_side == -e.side) {
    if (h.last_chain == e.chain && h.last_block == e.block_number) {
      effect.flags |= kBotPair;
      ++w.bot_pairs;
    } else if (e.time_ms - h.last_time_ms <= config_.wash_window_ms &&
               std::fabs(e.amount - h.last_amount) <=
                   config_.wash_amount_tolerance * std::max(e.amount, h.last_amount)) {
      effect.flags |= kWashPair;
      ++w.wash_pairs;
    }
  }
  h.last_side = effect.flags != 0 ? int8_t{0} : e.side;
  h.last_chain = e.chain;
  h.last_block = e.block_number;
  h.last_amount = e.amount;
  h.last_time_ms = e.time_ms;

  if (e.side > 0) {
    ApplyBuy(h.position, e.amount, e.price_usd);
    w.buy_usd += e.usd_value;
  } else {
    effect.sell = ApplySell(h.position, e.amount, e.price_usd);
    w.sell_usd += e.usd_value;
  }
  w.volume_usd += e.usd_value;
  w.max_trade_usd = std::max(w.max_trade_usd, e.usd_value);
  ++w.trade_count;
  w.first_ms = std::min(w.first_ms, e.time_ms);
  w.last_ms = std::max(w.last_ms, e.time_ms);

  Token& token = *tokens_[e.token];
  if (token.has_price && !bench_prices_.empty()) {
    for (size_t i = 0; i < config_.horizons_ms.size(); ++i) {
      token.pending[i].push_back(PendingEval{e.time_ms + config_.horizons_ms[i], seq, e.wallet,
                                             static_cast<uint8_t>(i), e.side, token.last_log_price,
                                             bench_log_prices_.back()});
      ++counters_.evaluations_scheduled;
    }
  } else {
    ++counters_.unpriced_trades;
  }
  ++counters_.trades;
  ++counters_.accepted;
  MaybeAlert(e, w, effect);
}

void Engine::CancelPending(const TradeEffect& effect, uint64_t seq) {
  Token& token = *tokens_[holdings_[effect.holding].token];
  for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
    if (effect.resolved(h)) continue;
    // Trades are applied in seq order, so each queue is sorted by effect_seq.
    RingQueue<PendingEval>& q = token.pending[h];
    const size_t i = q.PartitionPoint([seq](const PendingEval& p) { return p.effect_seq < seq; });
    if (i < q.size() && q[i].effect_seq == seq) q[i].side = 0;
  }
}

void Engine::ApplyRetraction(const CompactEvent& e) {
  std::string raw;
  if (auto it = retraction_raw_.find(e.seq); it != retraction_raw_.end()) {
    raw = std::move(it->second);
    retraction_raw_.erase(it);
  }
  TradeEffect* effect = FindEffect(e.key);
  if (effect == nullptr) {
    Reject(e.line, "retraction of an unknown trade (never seen, or older than the dedup window)",
           raw);
    return;
  }
  if (effect->retracted) {
    ++counters_.duplicates;
    return;
  }
  effect->retracted = true;
  CancelPending(*effect, effect_by_key_.at(e.key));
  Wallet& w = *wallets_[effect->wallet];
  Holding& h = holdings_[effect->holding];
  if (effect->side > 0) {
    UndoBuy(h.position, effect->amount, effect->price);
    w.buy_usd -= effect->usd;
  } else {
    UndoSell(h.position, effect->sell);
    w.sell_usd -= effect->usd;
  }
  w.volume_usd -= effect->usd;
  --w.trade_count;
  if ((effect->flags & kBotPair) != 0) --w.bot_pairs;
  if ((effect->flags & kWashPair) != 0) --w.wash_pairs;
  for (size_t i = 0; i < config_.horizons_ms.size(); ++i) {
    if (effect->resolved(i)) {
      w.moments[i].Remove(effect->r[i], effect->r_time_ms[i]).IgnoreError();
    }
  }
  if (effect->alerted) {
    alert_ids_[effect->alert_key] = true;
    ++counters_.alerts_retracted;
    if (alert_sink_ != nullptr) alert_sink_->OnAlertRetracted(effect->alert_key.Hex(), e.line);
  }
  ++counters_.retractions;
  ++counters_.accepted;
}

void Engine::MaybeAlert(const CompactEvent& e, Wallet& w, TradeEffect& effect) {
  const auto primary = static_cast<size_t>(config_.primary_horizon);
  const ScoreSnapshot& s = w.snap[primary];
  if (e.usd_value < config_.alert_min_usd || !s.smart_money) return;
  std::string id_input(reinterpret_cast<const char*>(&e.key), sizeof(e.key));
  id_input.append(kRuleLargeTrade);
  const Key128 id = Fingerprint128(id_input, 0x616c657274ULL /* "alert" */);
  if (alert_ids_.contains(id)) {
    ++counters_.alerts_duplicate;
    return;
  }
  while (!w.recent_alerts.empty() &&
         w.recent_alerts.front() <= e.time_ms - config_.alert_rate_window_ms) {
    w.recent_alerts.pop_front();
  }
  if (w.recent_alerts.size() >= static_cast<size_t>(config_.alert_rate_limit)) {
    ++counters_.alerts_rate_limited;
    return;
  }
  w.recent_alerts.push_back(e.time_ms);
  alert_ids_.emplace(id, false);
  effect.alerted = true;
  effect.alert_key = id;
  ++counters_.alerts;
  if (alert_sink_ == nullptr) return;

  Alert a;
  a.alert_id = id.Hex();
  a.rule = std::string(kRuleLargeTrade);
  a.chain = chain_names_[e.chain];
  a.tx_hash = HexWithPrefix(e.tx.data(), e.tx.size());
  a.log_index = e.log_index;
  a.line = e.line;
  a.wallet = HexWithPrefix(w.address.data(), w.address.size());
  a.token = tokens_[e.token]->symbol;
  a.side = e.side > 0 ? "buy" : "sell";
  a.usd_value = e.usd_value;
  a.event_time_ms = e.time_ms;
  a.horizon_ms = config_.horizons_ms[primary];
  a.score = s.shrunk_alpha;
  a.t_stat = s.t_stat;
  a.q_value = s.q_value;
  a.n = s.effective_n;
  a.hit_rate = s.hit_rate;
  a.hit_rate_lower = s.hit_rate_lower;
  a.reason = absl::StrFormat(
      "smart money (alpha %+.3f%% per trade at %s, t=%.2f, q=%.2g <= %.2g, n=%.0f >= %.0f) %s %s "
      "of %s >= %s",
      s.shrunk_alpha * 100, FormatHorizon(a.horizon_ms), s.t_stat, s.q_value, config_.q_threshold,
      s.effective_n, config_.min_resolved, e.side > 0 ? "bought" : "sold", FormatUsd(e.usd_value),
      a.token, FormatUsd(config_.alert_min_usd));
  alert_sink_->OnAlert(a);
}

void Engine::MaybeSnapshot(int64_t now_ms) {
  if (next_snapshot_ms_ == INT64_MIN) {
    next_snapshot_ms_ = (now_ms / config_.score_interval_ms + 1) * config_.score_interval_ms;
    return;
  }
  if (now_ms < next_snapshot_ms_) return;
  // Alerts only read the primary horizon; the others are scored once, at the end.
  TakeSnapshot(now_ms, /*all_horizons=*/false);
  next_snapshot_ms_ = (now_ms / config_.score_interval_ms + 1) * config_.score_interval_ms;
}

bool Engine::BotLike(const Wallet& w) const {
  return w.trade_count >= config_.flag_min_trades &&
         2.0 * static_cast<double>(w.bot_pairs) >=
             config_.bot_roundtrip_share * static_cast<double>(w.trade_count);
}

bool Engine::WashLike(const Wallet& w) const {
  return w.trade_count >= config_.flag_min_trades &&
         2.0 * static_cast<double>(w.wash_pairs) >=
             config_.wash_roundtrip_share * static_cast<double>(w.trade_count);
}

bool Engine::ExchangeLike(const Wallet& w) const {
  if (w.trade_count < config_.flag_min_trades || w.volume_usd <= 0) return false;
  const double average = w.volume_usd / static_cast<double>(w.trade_count);
  return average >= config_.exchange_min_avg_usd &&
         std::min(w.buy_usd, w.sell_usd) >= config_.exchange_min_two_sided * w.volume_usd;
}

std::string Engine::TierOf(const Wallet& w) const {
  if (w.volume_usd >= config_.tier_leviathan_usd) return "leviathan";
  if (w.volume_usd >= config_.tier_whale_usd) return "whale";
  if (w.volume_usd >= config_.tier_dolphin_usd) return "dolphin";
  return "shrimp";
}

void Engine::TakeSnapshot(int64_t now_ms, bool all_horizons) {
  ++counters_.score_snapshots;
  snapshot_time_ms_ = now_ms;
  stats::ScoreOptions options;
  options.min_resolved = config_.min_resolved;
  options.q_threshold = config_.q_threshold;
  options.wilson_z = config_.wilson_z;
  std::vector<stats::WalletMomentsView> views(wallets_.size());
  for (auto& w : wallets_) {
    w->bot_like = BotLike(*w);
    w->exchange_like = ExchangeLike(*w);
    w->wash_like = WashLike(*w);
  }
  // The cross-wallet sums (shrinkage prior, FDR) run in address order, not in first-seen order,
  // so that scores do not depend on which wallet the input happened to show first.
  if (snapshot_order_.size() != wallets_.size()) {
    snapshot_order_.resize(wallets_.size());
    for (size_t i = 0; i < wallets_.size(); ++i) snapshot_order_[i] = static_cast<WalletId>(i);
    std::sort(snapshot_order_.begin(), snapshot_order_.end(), [this](WalletId a, WalletId b) {
      return wallets_[a]->address < wallets_[b]->address;
    });
  }
  for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
    if (!all_horizons && h != static_cast<size_t>(config_.primary_horizon)) continue;
    for (size_t j = 0; j < wallets_.size(); ++j) {
      views[j] = stats::MomentsView(wallets_[snapshot_order_[j]]->moments[h]);
    }
    const std::vector<stats::WalletScore> scores = stats::ScoreWallets(views, options, p_memo_[h]);
    for (size_t j = 0; j < wallets_.size(); ++j) {
      const size_t i = snapshot_order_[j];
      Wallet& w = *wallets_[i];
      const stats::WalletScore& s = scores[j];
      ScoreSnapshot& snap = w.snap[h];
      snap.effective_n = s.effective_n;
      snap.mean = views[j].mean;
      snap.std_error = views[j].std_error;
      snap.shrunk_alpha = s.shrunk_alpha;
      snap.t_stat = s.t_stat;
      snap.p_value = s.p_value;
      snap.q_value = s.q_value;
      snap.hit_rate = s.hit_rate;
      snap.hit_rate_lower = s.hit_rate_lower;
      snap.eligible = s.eligible;
      snap.smart_money = s.smart_money && !w.bot_like && !w.exchange_like && !w.wash_like;
    }
  }
}

std::vector<WalletScoreRow> Engine::ScoreRows() const {
  std::vector<WalletScoreRow> rows;
  rows.reserve(wallets_.size() * config_.horizons_ms.size());
  for (const auto& wp : wallets_) {
    const Wallet& w = *wp;
    if (w.trade_count == 0 && w.holdings.empty()) continue;
    double realized = 0;
    double unrealized = 0;
    for (uint32_t hi : w.holdings) {
      const Holding& h = holdings_[hi];
      realized += h.position.realized_pnl;
      const Token& token = *tokens_[h.token];
      if (token.has_price) unrealized += h.position.unrealized_pnl(token.last_price);
    }
    const std::string address = HexWithPrefix(w.address.data(), w.address.size());
    const std::string tier = TierOf(w);
    for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
      const ScoreSnapshot& s = w.snap[h];
      WalletScoreRow row;
      row.wallet = address;
      row.horizon_ms = config_.horizons_ms[h];
      row.tier = tier;
      row.effective_n = s.effective_n;
      row.mean_return = s.mean;
      row.std_error = s.std_error;
      row.shrunk_alpha = s.shrunk_alpha;
      row.t_stat = s.t_stat;
      row.p_value = s.p_value;
      row.q_value = s.q_value;
      row.hit_rate = s.hit_rate;
      row.hit_rate_lower = s.hit_rate_lower;
      row.eligible = s.eligible;
      row.smart_money = s.smart_money;
      row.bot_like = w.bot_like;
      row.exchange_like = w.exchange_like;
      row.wash_like = w.wash_like;
      row.realized_pnl_usd = realized;
      row.unrealized_pnl_usd = unrealized;
      row.volume_usd = w.volume_usd;
      row.trade_count = w.trade_count;
      row.as_of_ms = snapshot_time_ms_;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<WalletMomentsRow> Engine::MomentsRows() const {
  std::vector<WalletMomentsRow> rows;
  for (const auto& wp : wallets_) {
    for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
      const stats::DecayedMoments& m = wp->moments[h];
      if (!(m.weight() > 0)) continue;
      rows.push_back(WalletMomentsRow{HexWithPrefix(wp->address.data(), wp->address.size()),
                                      config_.horizons_ms[h], m.effective_n(), m.mean(),
                                      m.variance()});
    }
  }
  return rows;
}

// ---- checkpoint ---------------------------------------------------------------------------------

void Engine::SaveState(std::string& out) const {
  out.clear();
  BinaryWriter w(out);
  w.Put(kStateMagic);
  w.Put(kStateVersion);
  w.PutString(config_.Fingerprint());
  w.Put(counters_);
  w.Put<uint64_t>(chain_names_.size());
  for (const std::string& c : chain_names_) w.PutString(c);
  w.Put<uint64_t>(tokens_.size());
  for (const auto& tp : tokens_) {
    const Token& t = *tp;
    w.PutString(t.symbol);
    w.Put(t.is_benchmark);
    w.Put(t.has_price);
    w.Put(t.last_time_ms);
    w.Put(t.last_price);
    w.Put(t.bench_at_last);
    std::string beta;
    t.beta.AppendTo(beta);
    w.PutString(beta);
    for (const RingQueue<PendingEval>& q : t.pending) {
      w.Put<uint64_t>(q.size());
      for (size_t i = 0; i < q.size(); ++i) w.Put(q[i]);
    }
  }
  w.Put<uint64_t>(wallets_.size());
  for (const auto& wp : wallets_) {
    const Wallet& x = *wp;
    w.Put(x.address);
    w.Put<uint64_t>(x.holdings.size());
    for (uint32_t h : x.holdings) w.Put(h);
    w.Put(x.volume_usd);
    w.Put(x.buy_usd);
    w.Put(x.sell_usd);
    w.Put(x.max_trade_usd);
    w.Put(x.trade_count);
    w.Put(x.bot_pairs);
    w.Put(x.wash_pairs);
    w.Put(x.first_ms);
    w.Put(x.last_ms);
    for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
      std::string blob;
      x.moments[h].AppendTo(blob);
      w.PutString(blob);
    }
    w.Put(x.snap);
    w.Put(x.bot_like);
    w.Put(x.exchange_like);
    w.Put(x.wash_like);
    w.Put<uint64_t>(x.recent_alerts.size());
    for (int64_t t : x.recent_alerts) w.Put(t);
  }
  w.Put<uint64_t>(holdings_.size());
  for (const Holding& h : holdings_) w.Put(h);
  w.Put<uint64_t>(buffer_.size());
  for (size_t i = 0; i < buffer_.size(); ++i) w.Put(buffer_[i]);
  w.Put(watermark_ms_);
  w.Put(next_seq_);
  w.Put<uint64_t>(bench_times_.size());
  for (size_t i = 0; i < bench_times_.size(); ++i) {
    w.Put(bench_times_[i]);
    w.Put(bench_prices_[i]);
  }
  w.Put(effects_base_seq_);
  w.Put<uint64_t>(effects_.size());
  for (size_t i = 0; i < effects_.size(); ++i) {
    // Field by field and only what is in use: the dedup window is most of a checkpoint, and a
    // checkpoint is written every few hundred thousand lines.
    const TradeEffect& e = effects_[i];
    w.Put(e.key);
    w.Put(e.time_ms);
    w.Put(e.wallet);
    w.Put(e.holding);
    w.Put(e.side);
    w.Put(static_cast<uint8_t>((e.retracted ? 1 : 0) | (e.alerted ? 2 : 0)));
    w.Put(e.flags);
    w.Put(e.resolved_mask());
    w.Put(e.amount);
    w.Put(e.price);
    w.Put(e.usd);
    if (e.alerted) w.Put(e.alert_key);
    if (e.side < 0) w.Put(e.sell);
    for (size_t h = 0; h < static_cast<size_t>(kMaxHorizons); ++h) {
      if (e.resolved(h)) {
        w.Put(e.r[h]);
        w.Put(e.r_time_ms[h]);
      }
    }
  }
  std::vector<std::pair<Key128, bool>> alerts(alert_ids_.begin(), alert_ids_.end());
  std::sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) {
    return a.first.hi != b.first.hi ? a.first.hi < b.first.hi : a.first.lo < b.first.lo;
  });
  w.Put<uint64_t>(alerts.size());
  for (const auto& [k, retracted] : alerts) {
    w.Put(k);
    w.Put(retracted);
  }
  std::vector<std::pair<uint64_t, std::string>> raws(retraction_raw_.begin(),
                                                     retraction_raw_.end());
  std::sort(raws.begin(), raws.end());
  w.Put<uint64_t>(raws.size());
  for (const auto& [seq, raw] : raws) {
    w.Put(seq);
    w.PutString(raw);
  }
  w.Put(next_snapshot_ms_);
  w.Put(snapshot_time_ms_);
  w.Put(finished_);
}

absl::Status Engine::LoadState(std::string_view in) {
  BinaryReader r(in);
  uint32_t magic = 0;
  uint32_t version = 0;
  std::string fingerprint;
  if (!r.Get(magic) || magic != kStateMagic || !r.Get(version) || version != kStateVersion) {
    return absl::DataLossError("checkpoint: not an engine state of this version");
  }
  if (!r.GetString(fingerprint)) return r.status("header");
  if (fingerprint != config_.Fingerprint()) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint was written with a different configuration (", fingerprint,
                     "); run with the same options or start a fresh database"));
  }
  Engine fresh(config_, alert_sink_, reject_sink_);
  fresh.chain_names_.clear();
  fresh.chain_ids_.clear();
  fresh.tokens_.clear();
  fresh.token_ids_.clear();
  if (!r.Get(fresh.counters_)) return r.status("counters");
  uint64_t n = 0;
  if (!r.GetCount(n, 8)) return r.status("chains");
  for (uint64_t i = 0; i < n; ++i) {
    std::string c;
    if (!r.GetString(c)) return r.status("chains");
    fresh.chain_ids_.emplace(c, static_cast<ChainId>(i));
    fresh.chain_names_.push_back(std::move(c));
  }
  if (!r.GetCount(n, 8)) return r.status("tokens");
  for (uint64_t i = 0; i < n; ++i) {
    auto t = std::make_unique<Token>();
    std::string beta;
    if (!r.GetString(t->symbol) || !r.Get(t->is_benchmark) || !r.Get(t->has_price) ||
        !r.Get(t->last_time_ms) || !r.Get(t->last_price) || !r.Get(t->bench_at_last) ||
        !r.GetString(beta)) {
      return r.status("tokens");
    }
    // The same function of the same bits as when the prices arrived.
    t->last_log_price = t->has_price ? std::log(t->last_price) : 0.0;
    t->bench_log_at_last = std::log(t->bench_at_last);
    std::string_view beta_view(beta);
    absl::StatusOr<stats::BetaEstimator> b = stats::BetaEstimator::ReadFrom(beta_view);
    if (!b.ok()) return b.status();
    t->beta = *b;
    for (RingQueue<PendingEval>& q : t->pending) {
      uint64_t pending = 0;
      if (!r.GetCount(pending, sizeof(PendingEval))) return r.status("pending evaluations");
      for (uint64_t k = 0; k < pending; ++k) {
        PendingEval p;
        if (!r.Get(p)) return r.status("pending evaluations");
        q.push_back(p);
      }
    }
    t->tie = SymbolTie(t->symbol);
    fresh.token_ids_.emplace(t->symbol, static_cast<TokenId>(i));
    fresh.tokens_.push_back(std::move(t));
  }
  if (!r.GetCount(n, 20)) return r.status("wallets");
  for (uint64_t i = 0; i < n; ++i) {
    auto x = std::make_unique<Wallet>();
    uint64_t holdings = 0;
    if (!r.Get(x->address) || !r.GetCount(holdings, 4)) return r.status("wallets");
    x->holdings.resize(holdings);
    for (uint32_t& h : x->holdings) {
      if (!r.Get(h)) return r.status("wallets");
    }
    if (!r.Get(x->volume_usd) || !r.Get(x->buy_usd) || !r.Get(x->sell_usd) ||
        !r.Get(x->max_trade_usd) || !r.Get(x->trade_count) || !r.Get(x->bot_pairs) ||
        !r.Get(x->wash_pairs) || !r.Get(x->first_ms) || !r.Get(x->last_ms)) {
      return r.status("wallets");
    }
    for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
      std::string blob;
      if (!r.GetString(blob)) return r.status("wallet moments");
      std::string_view view(blob);
      absl::StatusOr<stats::DecayedMoments> m = stats::DecayedMoments::ReadFrom(view);
      if (!m.ok()) return m.status();
      x->moments[h] = *m;
    }
    uint64_t recent = 0;
    if (!r.Get(x->snap) || !r.Get(x->bot_like) || !r.Get(x->exchange_like) ||
        !r.Get(x->wash_like) || !r.GetCount(recent, 8)) {
      return r.status("wallets");
    }
    for (uint64_t k = 0; k < recent; ++k) {
      int64_t t = 0;
      if (!r.Get(t)) return r.status("wallets");
      x->recent_alerts.push_back(t);
    }
    fresh.wallet_ids_.emplace(x->address, static_cast<WalletId>(i));
    fresh.wallets_.push_back(std::move(x));
  }
  if (!r.GetCount(n, sizeof(Holding))) return r.status("holdings");
  fresh.holdings_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Holding& h = fresh.holdings_[i];
    if (!r.Get(h)) return r.status("holdings");
    if (h.wallet >= fresh.wallets_.size() || h.token >= fresh.tokens_.size()) {
      return absl::DataLossError(
          "checkpoint is corrupt: a holding names an unknown wallet or token");
    }
    if (!fresh.holding_ids_.try_emplace(HoldingKey(h.wallet, h.token), static_cast<uint32_t>(i))
             .second) {
      return absl::DataLossError("checkpoint is corrupt: two holdings of one wallet and token");
    }
  }
  if (!r.GetCount(n, sizeof(CompactEvent))) return r.status("reorder buffer");
  for (uint64_t i = 0; i < n; ++i) {
    CompactEvent e;
    if (!r.Get(e)) return r.status("reorder buffer");
    fresh.buffer_.push_back(e);
  }
  if (!r.Get(fresh.watermark_ms_) || !r.Get(fresh.next_seq_) || !r.GetCount(n, 16)) {
    return r.status("benchmark history");
  }
  fresh.bench_times_.resize(n);
  fresh.bench_prices_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!r.Get(fresh.bench_times_[i]) || !r.Get(fresh.bench_prices_[i])) {
      return r.status("benchmark history");
    }
    fresh.bench_log_prices_.push_back(std::log(fresh.bench_prices_[i]));
  }
  // The smallest effect written: key, time, wallet, holding, four flag bytes, three doubles.
  constexpr size_t kMinEffectBytes = sizeof(Key128) + 8 + 4 + 4 + 4 + 3 * 8;
  if (!r.Get(fresh.effects_base_seq_) || !r.GetCount(n, kMinEffectBytes)) {
    return r.status("trade effects");
  }
  for (uint64_t i = 0; i < n; ++i) {
    TradeEffect e;
    uint8_t state = 0;
    uint8_t resolved_mask = 0;
    if (!r.Get(e.key) || !r.Get(e.time_ms) || !r.Get(e.wallet) || !r.Get(e.holding) ||
        !r.Get(e.side) || !r.Get(state) || !r.Get(e.flags) || !r.Get(resolved_mask) ||
        !r.Get(e.amount) || !r.Get(e.price) || !r.Get(e.usd)) {
      return r.status("trade effects");
    }
    e.retracted = (state & 1) != 0;
    e.alerted = (state & 2) != 0;
    if ((e.alerted && !r.Get(e.alert_key)) || (e.side < 0 && !r.Get(e.sell))) {
      return r.status("trade effects");
    }
    for (size_t h = 0; h < static_cast<size_t>(kMaxHorizons); ++h) {
      if ((resolved_mask & (1u << h)) != 0 && (!r.Get(e.r[h]) || !r.Get(e.r_time_ms[h]))) {
        return r.status("trade effects");
      }
    }
    fresh.effect_by_key_[e.key] = fresh.effects_base_seq_ + i;
    fresh.effects_.push_back(e);
  }
  // Idempotent for states that already carry the marks; states written before evaluations were
  // marked at retraction get them here.
  for (size_t i = 0; i < fresh.effects_.size(); ++i) {
    const TradeEffect& e = fresh.effects_[i];
    if (!e.retracted) continue;
    if (e.holding >= fresh.holdings_.size()) {
      return absl::DataLossError("checkpoint is corrupt: a trade names an unknown holding");
    }
    fresh.CancelPending(e, fresh.effects_base_seq_ + i);
  }
  if (!r.GetCount(n, sizeof(Key128) + 1)) return r.status("alert ids");
  for (uint64_t i = 0; i < n; ++i) {
    Key128 k;
    bool retracted = false;
    if (!r.Get(k) || !r.Get(retracted)) return r.status("alert ids");
    fresh.alert_ids_.emplace(k, retracted);
  }
  if (!r.GetCount(n, 16)) return r.status("retractions");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t seq = 0;
    std::string raw;
    if (!r.Get(seq) || !r.GetString(raw)) return r.status("retractions");
    fresh.retraction_raw_.emplace(seq, std::move(raw));
  }
  if (!r.Get(fresh.next_snapshot_ms_) || !r.Get(fresh.snapshot_time_ms_) ||
      !r.Get(fresh.finished_) || !r.done()) {
    return r.status("trailer");
  }
  fresh.benchmark_id_ = fresh.token_ids_.at(config_.benchmark);

  counters_ = fresh.counters_;
  // Ids are the checkpoint's from here on.
  token_cache_.Clear();
  chain_cache_.Clear();
  chain_names_ = std::move(fresh.chain_names_);
  chain_ids_ = std::move(fresh.chain_ids_);
  tokens_ = std::move(fresh.tokens_);
  token_ids_ = std::move(fresh.token_ids_);
  wallets_ = std::move(fresh.wallets_);
  wallet_ids_ = std::move(fresh.wallet_ids_);
  wallet_ties_.clear();
  for (const auto& w : wallets_) wallet_ties_.push_back(AddressTie(w->address));
  snapshot_order_.clear();
  for (std::vector<stats::PValueMemo>& memo : p_memo_) memo.clear();
  holdings_ = std::move(fresh.holdings_);
  holding_ids_ = std::move(fresh.holding_ids_);
  buffer_ = std::move(fresh.buffer_);
  prefetched_ = 0;
  watermark_ms_ = fresh.watermark_ms_;
  next_seq_ = fresh.next_seq_;
  benchmark_id_ = fresh.benchmark_id_;
  bench_times_ = std::move(fresh.bench_times_);
  bench_prices_ = std::move(fresh.bench_prices_);
  bench_log_prices_ = std::move(fresh.bench_log_prices_);
  effects_ = std::move(fresh.effects_);
  effects_base_seq_ = fresh.effects_base_seq_;
  effect_by_key_ = std::move(fresh.effect_by_key_);
  alert_ids_ = std::move(fresh.alert_ids_);
  retraction_raw_ = std::move(fresh.retraction_raw_);
  next_snapshot_ms_ = fresh.next_snapshot_ms_;
  snapshot_time_ms_ = fresh.snapshot_time_ms_;
  finished_ = fresh.finished_;
  return absl::OkStatus();
}

}  // namespace coattail::engine
