#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "coattail/engine/engine.h"
#include "coattail/engine/engine_internal.h"
#include "coattail/engine/hash.h"
#include "coattail/stats/score.h"

// Snapshots (the smart-money gate that alerts read), behaviour flags, tiers, and the rows the
// stores and the CLI show.
namespace coattail::engine {

using internal::Holding;
using internal::ScoreSnapshot;
using internal::State;
using internal::Token;
using internal::Wallet;

void Engine::MaybeSnapshot(int64_t now_ms) {
  State& st = *state_;
  if (st.next_snapshot_ms == INT64_MIN) {
    st.next_snapshot_ms = (now_ms / config_.score_interval_ms + 1) * config_.score_interval_ms;
    return;
  }
  if (now_ms < st.next_snapshot_ms) return;
  // Alerts only read the primary horizon; the others are scored once, at the end.
  TakeSnapshot(now_ms, /*all_horizons=*/false);
  st.next_snapshot_ms = (now_ms / config_.score_interval_ms + 1) * config_.score_interval_ms;
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
  State& st = *state_;
  ++st.counters.score_snapshots;
  st.snapshot_time_ms = now_ms;
  stats::ScoreOptions options;
  options.min_resolved = config_.min_resolved;
  options.q_threshold = config_.q_threshold;
  options.wilson_z = config_.wilson_z;
  std::vector<stats::WalletMomentsView> views(st.wallets.size());
  for (auto& w : st.wallets) {
    w->bot_like = BotLike(*w);
    w->exchange_like = ExchangeLike(*w);
    w->wash_like = WashLike(*w);
  }
  // The cross-wallet sums (shrinkage prior, FDR) run in address order, not in first-seen order,
  // so that scores do not depend on which wallet the input happened to show first.
  if (st.snapshot_order.size() != st.wallets.size()) {
    st.snapshot_order.resize(st.wallets.size());
    for (size_t i = 0; i < st.wallets.size(); ++i) st.snapshot_order[i] = static_cast<WalletId>(i);
    std::sort(st.snapshot_order.begin(), st.snapshot_order.end(), [&st](WalletId a, WalletId b) {
      return st.wallets[a]->address < st.wallets[b]->address;
    });
  }
  for (size_t h = 0; h < config_.horizons_ms.size(); ++h) {
    if (!all_horizons && h != static_cast<size_t>(config_.primary_horizon)) continue;
    for (size_t j = 0; j < st.wallets.size(); ++j) {
      views[j] = stats::MomentsView(st.wallets[st.snapshot_order[j]]->moments[h]);
    }
    const std::vector<stats::WalletScore> scores =
        stats::ScoreWallets(views, options, st.p_memo[h]);
    for (size_t j = 0; j < st.wallets.size(); ++j) {
      const size_t i = st.snapshot_order[j];
      Wallet& w = *st.wallets[i];
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
  const State& st = *state_;
  std::vector<WalletScoreRow> rows;
  rows.reserve(st.wallets.size() * config_.horizons_ms.size());
  for (const auto& wp : st.wallets) {
    const Wallet& w = *wp;
    if (w.trade_count == 0 && w.holdings.empty()) continue;
    double realized = 0;
    double unrealized = 0;
    for (uint32_t hi : w.holdings) {
      const Holding& h = st.holdings[hi];
      realized += h.position.realized_pnl;
      const Token& token = *st.tokens[h.token];
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
      row.as_of_ms = st.snapshot_time_ms;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<WalletMomentsRow> Engine::MomentsRows() const {
  const State& st = *state_;
  std::vector<WalletMomentsRow> rows;
  for (const auto& wp : st.wallets) {
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

}  // namespace coattail::engine
