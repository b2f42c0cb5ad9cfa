#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/byte_codec.h"
#include "coattail/base/status_macros.h"
#include "coattail/base/strings.h"
#include "coattail/engine/engine.h"
#include "coattail/engine/engine_internal.h"
#include "coattail/engine/hash.h"

// The checkpoint: the whole State, every field written explicitly through base/byte_codec
// (little-endian, doubles as their bit patterns), so a resumed run continues from exactly the same
// state and the format depends on this file alone, not on struct layout or padding.
namespace coattail::engine {

using internal::Holding;
using internal::PendingEval;
using internal::ScoreSnapshot;
using internal::State;
using internal::Token;
using internal::TradeEffect;
using internal::Wallet;

namespace {

constexpr uint32_t kStateMagic = 0x43545331;  // "CTS1"
// 2: trade effects are written field by field, only the parts in use (v1: raw structs).
// 3: CompactEvent gained the content tie-breaker.
// 4: pending evaluations hold the logs of the prices at the trade.
// 5: every field of every record is written explicitly by base/byte_codec (v4 copied the bytes of
//    CompactEvent, PendingEval, Holding, ScoreSnapshot, SellEffect and Counters).
constexpr uint32_t kStateVersion = 5;

// The counters in checkpoint order. A new counter is appended here.
constexpr std::array kCounterFields = {
    &Counters::lines_read,
    &Counters::accepted,
    &Counters::duplicates,
    &Counters::rejected,
    &Counters::trades,
    &Counters::prices,
    &Counters::retractions,
    &Counters::late,
    &Counters::unpriced_trades,
    &Counters::evaluations_scheduled,
    &Counters::evaluations_resolved,
    &Counters::evaluations_cancelled,
    &Counters::alerts,
    &Counters::alerts_rate_limited,
    &Counters::alerts_duplicate,
    &Counters::alerts_retracted,
    &Counters::score_snapshots,
};
static_assert(sizeof(Counters) == kCounterFields.size() * sizeof(int64_t),
              "a counter was added to Counters: append it to kCounterFields");

// Smallest encodings, for the sanity bound on each element count (base::ByteReader::Count).
constexpr size_t kPendingBytes = 8 + 8 + 4 + 1 + 1 + 8 + 8;
constexpr size_t kHoldingBytes = 4 + 4 + 4 * 8 + 8 + 8 + 8 + 4 + 1;
constexpr size_t kEventBytes = 4 * 8 + 3 + 3 * 4 + 2 * 8 + 3 * 8 + 16 + 32;
constexpr size_t kEffectBytes = 16 + 8 + 4 + 4 + 4 + 3 * 8;

void Put(base::ByteWriter& w, const Key128& k) {
  w.U64(k.hi);
  w.U64(k.lo);
}
bool Get(base::ByteReader& r, Key128& k) { return r.U64(k.hi) && r.U64(k.lo); }

void Put(base::ByteWriter& w, const PendingEval& p) {
  w.I64(p.due_ms);
  w.U64(p.effect_seq);
  w.U32(p.wallet);
  w.U8(p.horizon);
  w.I8(p.side);
  w.F64(p.log_p0);
  w.F64(p.log_b0);
}
bool Get(base::ByteReader& r, PendingEval& p) {
  return r.I64(p.due_ms) && r.U64(p.effect_seq) && r.U32(p.wallet) && r.U8(p.horizon) &&
         r.I8(p.side) && r.F64(p.log_p0) && r.F64(p.log_b0);
}

void Put(base::ByteWriter& w, const Holding& h) {
  w.U32(h.wallet);
  w.U32(h.token);
  w.F64(h.position.quantity);
  w.F64(h.position.cost);
  w.F64(h.position.realized_pnl);
  w.F64(h.position.untracked_sold);
  w.I64(h.last_time_ms);
  w.I64(h.last_block);
  w.F64(h.last_amount);
  w.U32(h.last_chain);
  w.I8(h.last_side);
}
bool Get(base::ByteReader& r, Holding& h) {
  uint32_t chain = 0;
  if (!(r.U32(h.wallet) && r.U32(h.token) && r.F64(h.position.quantity) && r.F64(h.position.cost) &&
        r.F64(h.position.realized_pnl) && r.F64(h.position.untracked_sold) &&
        r.I64(h.last_time_ms) && r.I64(h.last_block) && r.F64(h.last_amount) && r.U32(chain) &&
        r.I8(h.last_side))) {
    return false;
  }
  if (chain > UINT16_MAX) return r.Fail();
  h.last_chain = static_cast<ChainId>(chain);
  return true;
}

void Put(base::ByteWriter& w, const ScoreSnapshot& s) {
  w.F64(s.effective_n);
  w.F64(s.mean);
  w.F64(s.std_error);
  w.F64(s.shrunk_alpha);
  w.F64(s.t_stat);
  w.F64(s.p_value);
  w.F64(s.q_value);
  w.F64(s.hit_rate);
  w.F64(s.hit_rate_lower);
  w.Bool(s.eligible);
  w.Bool(s.smart_money);
}
bool Get(base::ByteReader& r, ScoreSnapshot& s) {
  return r.F64(s.effective_n) && r.F64(s.mean) && r.F64(s.std_error) && r.F64(s.shrunk_alpha) &&
         r.F64(s.t_stat) && r.F64(s.p_value) && r.F64(s.q_value) && r.F64(s.hit_rate) &&
         r.F64(s.hit_rate_lower) && r.Bool(s.eligible) && r.Bool(s.smart_money);
}

void Put(base::ByteWriter& w, const SellEffect& s) {
  w.F64(s.matched);
  w.F64(s.avg_cost);
  w.F64(s.realized);
  w.F64(s.untracked);
}
bool Get(base::ByteReader& r, SellEffect& s) {
  return r.F64(s.matched) && r.F64(s.avg_cost) && r.F64(s.realized) && r.F64(s.untracked);
}

void Put(base::ByteWriter& w, const CompactEvent& e) {
  w.I64(e.time_ms);
  w.U64(e.tie);
  w.U64(e.seq);
  w.I64(e.line);
  w.U8(static_cast<uint8_t>(e.cls));
  w.Bool(e.removed);
  w.I8(e.side);
  w.U32(e.chain);
  w.U32(e.token);
  w.U32(e.wallet);
  w.I64(e.block_number);
  w.I64(e.log_index);
  w.F64(e.amount);
  w.F64(e.price_usd);
  w.F64(e.usd_value);
  Put(w, e.key);
  w.Bytes(e.tx);
}
bool Get(base::ByteReader& r, CompactEvent& e) {
  uint8_t cls = 0;
  uint32_t chain = 0;
  if (!(r.I64(e.time_ms) && r.U64(e.tie) && r.U64(e.seq) && r.I64(e.line) && r.U8(cls) &&
        r.Bool(e.removed) && r.I8(e.side) && r.U32(chain) && r.U32(e.token) && r.U32(e.wallet) &&
        r.I64(e.block_number) && r.I64(e.log_index) && r.F64(e.amount) && r.F64(e.price_usd) &&
        r.F64(e.usd_value) && Get(r, e.key) && r.Bytes(e.tx))) {
    return false;
  }
  if (cls > static_cast<uint8_t>(EventClass::kTrade) || chain > UINT16_MAX) return r.Fail();
  e.cls = static_cast<EventClass>(cls);
  e.chain = static_cast<ChainId>(chain);
  return true;
}

// A nested record written by its own codec (stats' AppendTo), as a length-prefixed blob.
template <typename T>
void PutBlob(base::ByteWriter& w, const T& value) {
  std::string blob;
  value.AppendTo(blob);
  w.String(blob);
}
template <typename T>
absl::Status GetBlob(base::ByteReader& r, T& value, std::string_view what) {
  std::string blob;
  if (!r.String(blob)) return r.status(what);
  std::string_view view(blob);
  absl::StatusOr<T> read = T::ReadFrom(view);
  if (!read.ok()) return read.status();
  value = *std::move(read);
  return absl::OkStatus();
}

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(absl::StrCat("checkpoint is corrupt: ", base::ToAbsl(what)));
}

void WriteState(const State& st, size_t horizons, base::ByteWriter& w) {
  for (const auto field : kCounterFields) w.I64(st.counters.*field);
  w.U64(st.chain_names.size());
  for (const std::string& c : st.chain_names) w.String(c);
  w.U64(st.tokens.size());
  for (const auto& tp : st.tokens) {
    const Token& t = *tp;
    w.String(t.symbol);
    w.Bool(t.is_benchmark);
    w.Bool(t.has_price);
    w.I64(t.last_time_ms);
    w.F64(t.last_price);
    w.F64(t.bench_at_last);
    PutBlob(w, t.beta);
    for (const RingQueue<PendingEval>& q : t.pending) {
      w.U64(q.size());
      for (size_t i = 0; i < q.size(); ++i) Put(w, q[i]);
    }
  }
  w.U64(st.wallets.size());
  for (const auto& wp : st.wallets) {
    const Wallet& x = *wp;
    w.Bytes(x.address);
    w.U64(x.holdings.size());
    for (uint32_t h : x.holdings) w.U32(h);
    w.F64(x.volume_usd);
    w.F64(x.buy_usd);
    w.F64(x.sell_usd);
    w.F64(x.max_trade_usd);
    w.I64(x.trade_count);
    w.I64(x.bot_pairs);
    w.I64(x.wash_pairs);
    w.I64(x.first_ms);
    w.I64(x.last_ms);
    for (size_t h = 0; h < horizons; ++h) PutBlob(w, x.moments[h]);
    for (const ScoreSnapshot& s : x.snap) Put(w, s);
    w.Bool(x.bot_like);
    w.Bool(x.exchange_like);
    w.Bool(x.wash_like);
    w.U64(x.recent_alerts.size());
    for (int64_t t : x.recent_alerts) w.I64(t);
  }
  w.U64(st.holdings.size());
  for (const Holding& h : st.holdings) Put(w, h);
  w.U64(st.buffer.size());
  for (size_t i = 0; i < st.buffer.size(); ++i) Put(w, st.buffer[i]);
  w.I64(st.watermark_ms);
  w.U64(st.next_seq);
  w.U64(st.bench_times.size());
  for (size_t i = 0; i < st.bench_times.size(); ++i) {
    w.I64(st.bench_times[i]);
    w.F64(st.bench_prices[i]);
  }
  w.U64(st.effects_base_seq);
  w.U64(st.effects.size());
  for (size_t i = 0; i < st.effects.size(); ++i) {
    // Only the parts in use: the dedup window is most of a checkpoint.
    const TradeEffect& e = st.effects[i];
    Put(w, e.key);
    w.I64(e.time_ms);
    w.U32(e.wallet);
    w.U32(e.holding);
    w.I8(e.side);
    w.U8(static_cast<uint8_t>((e.retracted ? 1 : 0) | (e.alerted ? 2 : 0)));
    w.U8(e.flags);
    w.U8(e.resolved_mask());
    w.F64(e.amount);
    w.F64(e.price);
    w.F64(e.usd);
    if (e.alerted) Put(w, e.alert_key);
    if (e.side < 0) Put(w, e.sell);
    for (size_t h = 0; h < static_cast<size_t>(kMaxHorizons); ++h) {
      if (e.resolved(h)) {
        w.F64(e.r[h]);
        w.I64(e.r_time_ms[h]);
      }
    }
  }
  // Hash maps in key order, so equal states write equal bytes.
  std::vector<std::pair<Key128, bool>> alerts(st.alert_ids.begin(), st.alert_ids.end());
  std::sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) {
    return a.first.hi != b.first.hi ? a.first.hi < b.first.hi : a.first.lo < b.first.lo;
  });
  w.U64(alerts.size());
  for (const auto& [k, retracted] : alerts) {
    Put(w, k);
    w.Bool(retracted);
  }
  std::vector<std::pair<uint64_t, std::string>> raws(st.retraction_raw.begin(),
                                                     st.retraction_raw.end());
  std::sort(raws.begin(), raws.end());
  w.U64(raws.size());
  for (const auto& [seq, raw] : raws) {
    w.U64(seq);
    w.String(raw);
  }
  w.I64(st.next_snapshot_ms);
  w.I64(st.snapshot_time_ms);
  w.Bool(st.finished);
}

absl::Status ReadTokens(base::ByteReader& r, size_t horizons, State& st) {
  uint64_t n = 0;
  if (!r.Count(n, 8)) return r.status("chains");
  for (uint64_t i = 0; i < n; ++i) {
    std::string c;
    if (!r.String(c)) return r.status("chains");
    st.chain_ids.emplace(c, static_cast<ChainId>(i));
    st.chain_names.push_back(std::move(c));
  }
  if (!r.Count(n, 8)) return r.status("tokens");
  for (uint64_t i = 0; i < n; ++i) {
    auto t = std::make_unique<Token>();
    if (!(r.String(t->symbol) && r.Bool(t->is_benchmark) && r.Bool(t->has_price) &&
          r.I64(t->last_time_ms) && r.F64(t->last_price) && r.F64(t->bench_at_last))) {
      return r.status("tokens");
    }
    RETURN_IF_ERROR(GetBlob(r, t->beta, "token betas"));
    for (size_t h = 0; h < t->pending.size(); ++h) {
      uint64_t pending = 0;
      if (!r.Count(pending, kPendingBytes)) return r.status("pending evaluations");
      if (pending > 0 && h >= horizons) return Corrupt("evaluations at an unconfigured horizon");
      for (uint64_t k = 0; k < pending; ++k) {
        PendingEval p;
        if (!Get(r, p)) return r.status("pending evaluations");
        t->pending[h].push_back(p);
      }
    }
    st.token_ids.emplace(t->symbol, static_cast<TokenId>(i));
    st.tokens.push_back(std::move(t));
  }
  return absl::OkStatus();
}

absl::Status ReadWallets(base::ByteReader& r, size_t horizons, State& st) {
  uint64_t n = 0;
  if (!r.Count(n, 20)) return r.status("wallets");
  for (uint64_t i = 0; i < n; ++i) {
    auto x = std::make_unique<Wallet>();
    uint64_t holdings = 0;
    if (!r.Bytes(x->address) || !r.Count(holdings, 4)) return r.status("wallets");
    x->holdings.resize(holdings);
    for (uint32_t& h : x->holdings) {
      if (!r.U32(h)) return r.status("wallets");
    }
    if (!(r.F64(x->volume_usd) && r.F64(x->buy_usd) && r.F64(x->sell_usd) &&
          r.F64(x->max_trade_usd) && r.I64(x->trade_count) && r.I64(x->bot_pairs) &&
          r.I64(x->wash_pairs) && r.I64(x->first_ms) && r.I64(x->last_ms))) {
      return r.status("wallets");
    }
    for (size_t h = 0; h < horizons; ++h) {
      RETURN_IF_ERROR(GetBlob(r, x->moments[h], "wallet moments"));
    }
    for (ScoreSnapshot& s : x->snap) {
      if (!Get(r, s)) return r.status("wallet snapshots");
    }
    uint64_t recent = 0;
    if (!(r.Bool(x->bot_like) && r.Bool(x->exchange_like) && r.Bool(x->wash_like) &&
          r.Count(recent, 8))) {
      return r.status("wallets");
    }
    for (uint64_t k = 0; k < recent; ++k) {
      int64_t t = 0;
      if (!r.I64(t)) return r.status("wallets");
      x->recent_alerts.push_back(t);
    }
    if (!st.wallet_ids.emplace(x->address, static_cast<WalletId>(i)).second) {
      return Corrupt("a wallet appears twice");
    }
    st.wallets.push_back(std::move(x));
  }
  if (!r.Count(n, kHoldingBytes)) return r.status("holdings");
  st.holdings.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Holding& h = st.holdings[i];
    if (!Get(r, h)) return r.status("holdings");
    if (h.wallet >= st.wallets.size() || h.token >= st.tokens.size()) {
      return Corrupt("a holding names an unknown wallet or token");
    }
    if (!st.holding_ids
             .try_emplace(internal::HoldingKey(h.wallet, h.token), static_cast<uint32_t>(i))
             .second) {
      return Corrupt("two holdings of one wallet and token");
    }
  }
  for (const auto& w : st.wallets) {
    for (uint32_t h : w->holdings) {
      if (h >= st.holdings.size()) return Corrupt("a wallet names an unknown holding");
    }
  }
  return absl::OkStatus();
}

absl::Status ReadEvents(base::ByteReader& r, State& st) {
  uint64_t n = 0;
  if (!r.Count(n, kEventBytes)) return r.status("reorder buffer");
  for (uint64_t i = 0; i < n; ++i) {
    CompactEvent e;
    if (!Get(r, e)) return r.status("reorder buffer");
    if (e.token >= st.tokens.size() ||
        (e.cls == EventClass::kTrade &&
         (e.wallet >= st.wallets.size() || e.chain >= st.chain_names.size()))) {
      return Corrupt("a buffered event names an unknown token, wallet or chain");
    }
    st.buffer.push_back(e);
  }
  if (!(r.I64(st.watermark_ms) && r.U64(st.next_seq) && r.Count(n, 16))) {
    return r.status("benchmark history");
  }
  st.bench_times.resize(n);
  st.bench_prices.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!r.I64(st.bench_times[i]) || !r.F64(st.bench_prices[i])) {
      return r.status("benchmark history");
    }
  }
  if (!r.U64(st.effects_base_seq) || !r.Count(n, kEffectBytes)) return r.status("trade effects");
  for (uint64_t i = 0; i < n; ++i) {
    TradeEffect e;
    uint8_t state = 0;
    uint8_t resolved_mask = 0;
    if (!(Get(r, e.key) && r.I64(e.time_ms) && r.U32(e.wallet) && r.U32(e.holding) &&
          r.I8(e.side) && r.U8(state) && r.U8(e.flags) && r.U8(resolved_mask) && r.F64(e.amount) &&
          r.F64(e.price) && r.F64(e.usd))) {
      return r.status("trade effects");
    }
    e.retracted = (state & 1) != 0;
    e.alerted = (state & 2) != 0;
    if ((e.alerted && !Get(r, e.alert_key)) || (e.side < 0 && !Get(r, e.sell))) {
      return r.status("trade effects");
    }
    for (size_t h = 0; h < static_cast<size_t>(kMaxHorizons); ++h) {
      if ((resolved_mask & (1u << h)) != 0 && (!r.F64(e.r[h]) || !r.I64(e.r_time_ms[h]))) {
        return r.status("trade effects");
      }
    }
    if (e.wallet >= st.wallets.size() || e.holding >= st.holdings.size()) {
      return Corrupt("a trade names an unknown wallet or holding");
    }
    st.effect_by_key[e.key] = st.effects_base_seq + i;
    st.effects.push_back(e);
  }
  return absl::OkStatus();
}

absl::Status ReadAlertsAndTrailer(base::ByteReader& r, State& st) {
  uint64_t n = 0;
  if (!r.Count(n, 16 + 1)) return r.status("alert ids");
  for (uint64_t i = 0; i < n; ++i) {
    Key128 k;
    bool retracted = false;
    if (!Get(r, k) || !r.Bool(retracted)) return r.status("alert ids");
    st.alert_ids.emplace(k, retracted);
  }
  if (!r.Count(n, 16)) return r.status("retractions");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t seq = 0;
    std::string raw;
    if (!r.U64(seq) || !r.String(raw)) return r.status("retractions");
    st.retraction_raw.emplace(seq, std::move(raw));
  }
  if (!(r.I64(st.next_snapshot_ms) && r.I64(st.snapshot_time_ms) && r.Bool(st.finished))) {
    return r.status("trailer");
  }
  if (!r.done()) return Corrupt("bytes after the end of the state");
  return absl::OkStatus();
}

}  // namespace

void State::RebuildDerived() {
  for (auto& t : tokens) {
    t->tie = SymbolTie(t->symbol);
    // The same function of the same bits as when the prices arrived.
    t->last_log_price = t->has_price ? std::log(t->last_price) : 0.0;
    t->bench_log_at_last = std::log(t->bench_at_last);
  }
  wallet_ties.clear();
  for (const auto& w : wallets) wallet_ties.push_back(AddressTie(w->address));
  bench_log_prices.clear();
  for (double p : bench_prices) bench_log_prices.push_back(std::log(p));
  // The rest start empty and fill as events arrive: symbol caches, snapshot order, p-value memos,
  // benchmark hints, release scratch and the prefetch cursor.
  chain_cache.Clear();
  token_cache.Clear();
  snapshot_order.clear();
  for (std::vector<stats::PValueMemo>& memo : p_memo) memo.clear();
  bench_hint.fill(0);
  release_order.clear();
  prefetched = 0;
}

void Engine::SaveState(std::string& out) const {
  out.clear();
  base::ByteWriter w(out);
  w.U32(kStateMagic);
  w.U32(kStateVersion);
  w.String(config_.Fingerprint());
  WriteState(*state_, config_.horizons_ms.size(), w);
}

absl::Status Engine::LoadState(std::string_view in) {
  base::ByteReader r(in);
  uint32_t magic = 0;
  uint32_t version = 0;
  if (!r.U32(magic) || magic != kStateMagic) {
    return absl::DataLossError("checkpoint: not an engine state");
  }
  if (!r.U32(version) || version != kStateVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint: engine state version ", version, ", this build reads version ", kStateVersion,
        " only; start a fresh database (or resume with the build that wrote it)"));
  }
  std::string fingerprint;
  if (!r.String(fingerprint)) return r.status("header");
  if (fingerprint != config_.Fingerprint()) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint was written with a different configuration (", fingerprint,
                     "); run with the same options or start a fresh database"));
  }
  const size_t horizons = config_.horizons_ms.size();
  auto st = std::make_unique<State>();
  for (const auto field : kCounterFields) {
    if (!r.I64(st->counters.*field)) return r.status("counters");
  }
  RETURN_IF_ERROR(ReadTokens(r, horizons, *st));
  RETURN_IF_ERROR(ReadWallets(r, horizons, *st));
  RETURN_IF_ERROR(ReadEvents(r, *st));
  RETURN_IF_ERROR(ReadAlertsAndTrailer(r, *st));
  for (const auto& t : st->tokens) {
    for (size_t h = 0; h < horizons; ++h) {
      const RingQueue<PendingEval>& q = t->pending[h];
      for (size_t i = 0; i < q.size(); ++i) {
        if (q[i].wallet >= st->wallets.size() || q[i].horizon >= horizons) {
          return Corrupt("an evaluation names an unknown wallet or horizon");
        }
      }
    }
  }
  const auto benchmark = st->token_ids.find(config_.benchmark);
  if (benchmark == st->token_ids.end()) return Corrupt("the benchmark token is missing");
  st->benchmark_id = benchmark->second;
  st->RebuildDerived();
  state_ = std::move(st);  // the one move: nothing above touched the running state
  return absl::OkStatus();
}

}  // namespace coattail::engine
