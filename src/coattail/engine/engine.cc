#include "coattail/engine/engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/engine/engine_internal.h"
#include "coattail/engine/hash.h"

// Ingest, reorder and apply: a line becomes a compact event in the reorder buffer, and a released
// event changes positions, the dedup window, pending evaluations and the benchmark history.
namespace coattail::engine {

using internal::Holding;
using internal::HoldingKey;
using internal::kBotPair;
using internal::kNaN;
using internal::kNoHolding;
using internal::kUnresolved;
using internal::kWashPair;
using internal::PendingEval;
using internal::ReleaseKey;
using internal::State;
using internal::Token;
using internal::TradeEffect;
using internal::Wallet;

namespace {

// The benchmark history is pruned each time it reaches a multiple of this many entries. A function
// of the history's size alone, so a resumed run prunes at exactly the same points.
constexpr size_t kBenchmarkPruneEvery = 4096;
// How many events ahead of the one being applied ReleaseReady prefetches for.
constexpr size_t kPrefetchAhead = 8;

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(const EngineConfig& config,
                                                       AlertSink* alerts, RejectSink* rejects) {
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  return std::unique_ptr<Engine>(new Engine(config, alerts, rejects));
}

Engine::Engine(const EngineConfig& config, AlertSink* alerts, RejectSink* rejects)
    : config_(config),
      alert_rule_(AlertRule::FromConfig(config)),
      alert_sink_(alerts),
      reject_sink_(rejects),
      state_(std::make_unique<State>()) {
  state_->benchmark_id = InternToken(config_.benchmark);
  state_->tokens[state_->benchmark_id]->is_benchmark = true;
}

Engine::~Engine() = default;

const Counters& Engine::counters() const { return state_->counters; }
int64_t Engine::watermark_ms() const { return state_->watermark_ms; }
size_t Engine::wallet_count() const { return state_->wallets.size(); }

void Engine::Reject(int64_t line, std::string_view reason, std::string_view raw) {
  State& st = *state_;
  ++st.counters.rejected;
  if (reject_sink_ != nullptr) reject_sink_->OnReject(line, reason, raw);
}

TokenId Engine::InternToken(std::string_view symbol) {
  State& st = *state_;
  if (const uint32_t cached = st.token_cache.Find(symbol); cached != SymbolCache::kMiss) {
    return cached;
  }
  if (auto it = st.token_ids.find(base::ToAbsl(symbol)); it != st.token_ids.end()) {
    st.token_cache.Insert(symbol, it->second);
    return it->second;
  }
  const auto id = static_cast<TokenId>(st.tokens.size());
  st.token_cache.Insert(symbol, id);
  auto token = std::make_unique<Token>();
  token->symbol = std::string(symbol);
  token->tie = SymbolTie(symbol);
  token->beta = stats::BetaEstimator(config_.beta_prior_strength);
  st.tokens.push_back(std::move(token));
  st.token_ids.emplace(std::string(symbol), id);
  return id;
}

ChainId Engine::InternChain(std::string_view chain) {
  State& st = *state_;
  if (const uint32_t cached = st.chain_cache.Find(chain); cached != SymbolCache::kMiss) {
    return static_cast<ChainId>(cached);
  }
  if (auto it = st.chain_ids.find(base::ToAbsl(chain)); it != st.chain_ids.end()) {
    st.chain_cache.Insert(chain, it->second);
    return it->second;
  }
  const auto id = static_cast<ChainId>(st.chain_names.size());
  st.chain_cache.Insert(chain, id);
  st.chain_names.emplace_back(chain);
  st.chain_ids.emplace(std::string(chain), id);
  return id;
}

WalletId Engine::InternWallet(const Address& address) {
  State& st = *state_;
  if (auto it = st.wallet_ids.find(address); it != st.wallet_ids.end()) return it->second;
  const auto id = static_cast<WalletId>(st.wallets.size());
  auto wallet = std::make_unique<Wallet>();
  wallet->address = address;
  wallet->moments.fill(stats::DecayedMoments(config_.half_life_ms));
  st.wallets.push_back(std::move(wallet));
  st.wallet_ties.push_back(AddressTie(address));
  st.wallet_ids.emplace(address, id);
  return id;
}

uint32_t Engine::HoldingFor(WalletId wallet, TokenId token) {
  State& st = *state_;
  const auto index = static_cast<uint32_t>(st.holdings.size());
  const auto [it, inserted] = st.holding_ids.try_emplace(HoldingKey(wallet, token), index);
  if (!inserted) return it->second;
  Holding h;
  h.wallet = wallet;
  h.token = token;
  st.holdings.push_back(h);
  st.wallets[wallet]->holdings.push_back(index);
  return index;
}

void Engine::Compact(const event::EventView& ev, int64_t line, std::string_view raw,
                     CompactEvent& out) {
  State& st = *state_;
  // `out` is a reused slot: every field is assigned, on both branches.
  out.line = line;
  out.seq = st.next_seq++;
  if (ev.kind == event::EventKind::kPrice) {
    out.time_ms = ev.price.time_ms;
    out.token = InternToken(ev.price.token);
    out.cls = out.token == st.benchmark_id ? EventClass::kBenchmarkPrice : EventClass::kPrice;
    out.tie = st.tokens[out.token]->tie;
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
  out.tie = st.wallet_ties[out.wallet];
  out.block_number = t.block_number;
  out.log_index = t.log_index;
  out.amount = t.amount;
  out.price_usd = t.price_usd;
  out.usd_value = t.usd_value;
  out.key = TradeKey(t.chain, out.tx, t.log_index);
  if (t.removed) st.retraction_raw.emplace(out.seq, std::string(raw));
}

void Engine::ProcessLine(std::string_view line, int64_t line_number, bool too_long) {
  State& st = *state_;
  ++st.counters.lines_read;
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
  if (st.watermark_ms != INT64_MIN && t < st.watermark_ms - config_.lateness_ms) {
    ++st.counters.late;
    // One stable reason per configuration, so dead-letter counts per reason stay meaningful; the
    // line itself is kept in the dead-letter record.
    Reject(line_number,
           absl::StrCat("late: more than the lateness window (", config_.lateness_ms,
                        " ms) behind the newest event time"),
           line);
    return;
  }
  // Built in the buffer's next slot: nearly every event belongs at the back.
  CompactEvent& slot = st.buffer.emplace_back_for_overwrite();
  Compact(ev, line_number, line, slot);
  PrefetchSlots(slot);
  // The buffer is kept sorted by (time, class) only, equal keys in arrival order; the content
  // tie-break is applied when a group is released. Events of one instant arrive in whatever order
  // the source interleaved them (for prices, the feed's token order), so sorting them here would
  // shift most of each group's slots on every insert.
  if (st.buffer.size() > 1 && GroupBefore(slot, st.buffer[st.buffer.size() - 2])) {
    // Out of order: after the last event that is not processed after it (upper bound).
    const CompactEvent ce = slot;
    st.buffer.pop_back();
    st.buffer.insert(
        st.buffer.PartitionPoint([&ce](const CompactEvent& x) { return !GroupBefore(ce, x); }), ce);
  }
  if (t > st.watermark_ms) st.watermark_ms = t;
  ReleaseReady(st.watermark_ms - config_.lateness_ms, false);
}

void Engine::PrefetchSlots(const CompactEvent& e) const {
  const State& st = *state_;
  if (e.cls != EventClass::kTrade) return;
  st.effect_by_key.prefetch(e.key);
  st.holding_ids.prefetch(HoldingKey(e.wallet, e.token));
}

void Engine::PrefetchRecords(const CompactEvent& e) const {
  const State& st = *state_;
  if (e.cls != EventClass::kTrade) {
    // A price resolves its token's due evaluations from the front of each horizon's queue, which
    // moves on a line every few evaluations and was last read a token's price ago.
    const Token& token = *st.tokens[e.token];
    for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
      const RingQueue<PendingEval>& q = token.pending[h];
      if (!q.empty()) __builtin_prefetch(&q.front());
    }
    return;
  }
  st.effect_by_key.prefetch(e.key);
  if (const uint32_t index = st.HoldingIndex(e.wallet, e.token); index != kNoHolding) {
    // A holding is 72 bytes, so it may span two lines.
    const Holding& h = st.holdings[index];
    __builtin_prefetch(&h.wallet);
    __builtin_prefetch(&h.last_side);
  }
  // The wallet's trade figures, and for a large trade the score snapshot MaybeAlert reads.
  const Wallet* w = st.wallets[e.wallet].get();
  __builtin_prefetch(&w->volume_usd);
  __builtin_prefetch(&w->last_ms);
  if (e.usd_value >= config_.alert_min_usd) {
    __builtin_prefetch(&w->snap[static_cast<size_t>(config_.primary_horizon)].smart_money);
  }
}

void Engine::PrefetchThrough(size_t end) {
  State& st = *state_;
  end = std::min(end, st.buffer.size());
  for (; st.prefetched < end; ++st.prefetched) PrefetchRecords(st.buffer[st.prefetched]);
}

void Engine::ReleaseReady(int64_t bound_ms, bool all) {
  State& st = *state_;
  // Strictly earlier than the bound: an event stamped exactly at the bound may still arrive without
  // being late, and it might have to be processed before one already buffered (class order). So a
  // released time is complete: every later event of that time is rejected as late, and a whole
  // (time, class) group can be ordered by ProcessedBefore here.
  while (!st.buffer.empty() && (all || st.buffer.front().time_ms < bound_ms)) {
    const CompactEvent& first = st.buffer.front();
    size_t n = 1;
    while (n < st.buffer.size() && !GroupBefore(first, st.buffer[n])) ++n;
    // Trades of one block come as a group: their records are all asked for before the first is
    // applied, and those of the next few events too.
    PrefetchThrough(n + kPrefetchAhead);
    if (n == 1) {
      // Applied in place: Apply never adds to the buffer, so the slot stays put until popped.
      Apply(first);
    } else {
      // The group shares time and class, so ProcessedBefore comes down to (tie, seq).
      st.release_order.resize(n);
      for (size_t i = 0; i < n; ++i) st.release_order[i] = {st.buffer[i].tie, st.buffer[i].seq, i};
      std::sort(st.release_order.begin(), st.release_order.end(),
                [](const ReleaseKey& a, const ReleaseKey& b) {
                  return a.tie != b.tie ? a.tie < b.tie : a.seq < b.seq;
                });
      for (const ReleaseKey& k : st.release_order) Apply(st.buffer[k.index]);
    }
    for (size_t i = 0; i < n; ++i) st.buffer.pop_front();
    st.prefetched -= n;
  }
}

void Engine::Finish() {
  State& st = *state_;
  ReleaseReady(0, true);
  const int64_t now = st.watermark_ms == INT64_MIN ? 0 : st.watermark_ms;
  TakeSnapshot(now, /*all_horizons=*/true);
  st.finished = true;
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
  State& st = *state_;
  // The answer is the last benchmark price stamped at or before time_ms.
  size_t& hint = st.bench_hint[hint_slot];
  const size_t n = st.bench_times.size();
  if (hint < n && st.bench_times[hint] <= time_ms &&
      (hint + 1 == n || st.bench_times[hint + 1] > time_ms)) {
    return st.bench_log_prices[hint];
  }
  if (hint + 1 < n && st.bench_times[hint + 1] <= time_ms &&
      (hint + 2 == n || st.bench_times[hint + 2] > time_ms)) {
    return st.bench_log_prices[++hint];
  }
  auto it = std::upper_bound(st.bench_times.begin(), st.bench_times.end(), time_ms);
  if (it == st.bench_times.begin()) return kNaN;
  hint = static_cast<size_t>(it - st.bench_times.begin() - 1);
  return st.bench_log_prices[hint];
}

void Engine::PruneBenchmarkHistory(int64_t now_ms) {
  State& st = *state_;
  // Benchmark prices are only looked up at due times. Events are applied in time order, so a
  // future trade's due time is after now_ms, and each pending queue's front has its earliest due
  // time. Everything before the last entry at or before the earliest possible lookup is dead.
  int64_t earliest = now_ms;
  for (const auto& token : st.tokens) {
    for (const RingQueue<PendingEval>& q : token->pending) {
      if (!q.empty()) earliest = std::min(earliest, q.front().due_ms);
    }
  }
  const auto it = std::upper_bound(st.bench_times.begin(), st.bench_times.end(), earliest);
  if (it == st.bench_times.begin()) return;
  const auto dead = static_cast<size_t>(it - st.bench_times.begin() - 1);
  if (dead == 0) return;
  st.bench_times.erase(st.bench_times.begin(),
                       st.bench_times.begin() + static_cast<ptrdiff_t>(dead));
  st.bench_prices.erase(st.bench_prices.begin(),
                        st.bench_prices.begin() + static_cast<ptrdiff_t>(dead));
  st.bench_log_prices.erase(st.bench_log_prices.begin(),
                            st.bench_log_prices.begin() + static_cast<ptrdiff_t>(dead));
  for (size_t& hint : st.bench_hint) hint = hint >= dead ? hint - dead : 0;
}

void Engine::EvictEffects(int64_t now_ms) {
  State& st = *state_;
  while (!st.effects.empty() && st.effects.front().time_ms < now_ms - config_.dedup_window_ms) {
    st.effects.pop_front();
    ++st.effects_base_seq;
  }
  // The next trade reads the time of the record after the front, a day old and out of cache.
  if (st.effects.size() > 1) __builtin_prefetch(&st.effects[1].time_ms);
  // Stale keys are dropped in bulk once they are as many as the live ones (amortised O(1) per
  // trade, at most about twice the window in memory).
  if (st.effect_by_key.size() > 2 * st.effects.size() + 1024) {
    for (auto it = st.effect_by_key.begin(); it != st.effect_by_key.end();) {
      if (it->second < st.effects_base_seq) {
        st.effect_by_key.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

void Engine::ResolveDue(Token& token, int64_t before_ms) {
  State& st = *state_;
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
      __builtin_prefetch(&st.wallets[following.wallet]->moments[following.horizon]);
    }
    // A retraction marks its trade's pending evaluations (side 0), so the trade's record, a day
    // old and out of cache, is not read here; it is only written below.
    if (pe.side == 0) {
      ++st.counters.evaluations_cancelled;
      continue;
    }
    TradeEffect* effect = st.EffectAt(pe.effect_seq);
    // The token's last price is the last at or before the due time: a later one would already have
    // resolved this evaluation. The benchmark may have moved on, so it is looked up.
    const double log_b1 = BenchmarkLogAt(pe.due_ms, next);
    const double r = static_cast<double>(pe.side) * ((token.last_log_price - pe.log_p0) -
                                                     token.beta.beta() * (log_b1 - pe.log_b0));
    // Add fails only on non-finite input or times beyond +-2^61 ms; prices are finite and > 0 and
    // event times are validated, so r and before_ms are always acceptable.
    const absl::StatusOr<int64_t> used =
        st.wallets[pe.wallet]->moments[pe.horizon].Add(r, before_ms);
    if (effect != nullptr && used.ok()) {
      // Remove must be given the time Add actually used (it never goes backwards).
      effect->r[pe.horizon] = r;
      effect->r_time_ms[pe.horizon] = *used;
    }
    ++st.counters.evaluations_resolved;
    if (observer_) observer_(token.symbol, pe.due_ms, before_ms);
  }
}

void Engine::ApplyPrice(const CompactEvent& e) {
  State& st = *state_;
  Token& token = *st.tokens[e.token];
  ResolveDue(token, e.time_ms);
  // The one log this price needs: returns are differences of logs.
  const double log_price = std::log(e.price_usd);
  if (token.is_benchmark) {
    if (token.has_price) {
      const double y = log_price - token.last_log_price;
      // Add rejects only non-finite input; logs of finite positive prices are finite.
      token.beta.Add(y, y).IgnoreError();
    }
    st.bench_times.push_back(e.time_ms);
    st.bench_prices.push_back(e.price_usd);
    st.bench_log_prices.push_back(log_price);
    if (st.bench_times.size() % kBenchmarkPruneEvery == 0) PruneBenchmarkHistory(e.time_ms);
    token.bench_at_last = e.price_usd;
    token.bench_log_at_last = log_price;
  } else {
    const bool bench_known = !st.bench_prices.empty();
    const double bench_now = bench_known ? st.bench_prices.back() : kNaN;
    const double bench_log_now = bench_known ? st.bench_log_prices.back() : kNaN;
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
  ++st.counters.prices;
  ++st.counters.accepted;
}

void Engine::ApplyTrade(const CompactEvent& e) {
  State& st = *state_;
  const uint64_t seq = st.effects_base_seq + st.effects.size();
  // One probe: claims the key for this trade unless a live trade already holds it. A key seen
  // again after its retraction is the trade re-included by the reorganisation.
  if (auto [it, inserted] = st.effect_by_key.try_emplace(e.key, seq); !inserted) {
    if (const TradeEffect* previous = st.EffectAt(it->second);
        previous != nullptr && !previous->retracted) {
      ++st.counters.duplicates;
      return;
    }
    it->second = seq;
  }
  Wallet& w = *st.wallets[e.wallet];
  const uint32_t holding = HoldingFor(e.wallet, e.token);
  Holding& h = st.holdings[holding];
  // Every field is assigned: the slot is reused. A new field must be assigned here too.
  static_assert(sizeof(TradeEffect) == 176, "update the field assignments below");
  TradeEffect& effect = st.effects.emplace_back_for_overwrite();
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

  Token& token = *st.tokens[e.token];
  if (token.has_price && !st.bench_prices.empty()) {
    for (size_t i = 0; i < config_.horizons_ms.size(); ++i) {
      token.pending[i].push_back(PendingEval{e.time_ms + config_.horizons_ms[i], seq, e.wallet,
                                             static_cast<uint8_t>(i), e.side, token.last_log_price,
                                             st.bench_log_prices.back()});
      ++st.counters.evaluations_scheduled;
    }
  } else {
    ++st.counters.unpriced_trades;
  }
  ++st.counters.trades;
  ++st.counters.accepted;
  MaybeAlert(e, w, effect);
}

void State::CancelPending(const TradeEffect& effect, uint64_t seq, size_t horizons) {
  Token& token = *tokens[holdings[effect.holding].token];
  for (size_t h = 0; h < horizons; ++h) {
    if (effect.resolved(h)) continue;
    // Trades are applied in seq order, so each queue is sorted by effect_seq.
    RingQueue<PendingEval>& q = token.pending[h];
    const size_t i = q.PartitionPoint([seq](const PendingEval& p) { return p.effect_seq < seq; });
    if (i < q.size() && q[i].effect_seq == seq) q[i].side = 0;
  }
}

void Engine::ApplyRetraction(const CompactEvent& e) {
  State& st = *state_;
  std::string raw;
  if (auto it = st.retraction_raw.find(e.seq); it != st.retraction_raw.end()) {
    raw = std::move(it->second);
    st.retraction_raw.erase(it);
  }
  TradeEffect* effect = st.FindEffect(e.key);
  if (effect == nullptr) {
    Reject(e.line, "retraction of an unknown trade (never seen, or older than the dedup window)",
           raw);
    return;
  }
  if (effect->retracted) {
    ++st.counters.duplicates;
    return;
  }
  effect->retracted = true;
  st.CancelPending(*effect, st.effect_by_key.at(e.key), config_.horizons_ms.size());
  Wallet& w = *st.wallets[effect->wallet];
  Holding& h = st.holdings[effect->holding];
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
    st.alert_ids[effect->alert_key] = true;
    ++st.counters.alerts_retracted;
    if (alert_sink_ != nullptr) alert_sink_->OnAlertRetracted(effect->alert_key.Hex(), e.line);
  }
  ++st.counters.retractions;
  ++st.counters.accepted;
}

}  // namespace coattail::engine
