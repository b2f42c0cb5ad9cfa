// The wallet classes of simulator.h: their activity parameters and what each does when it acts.
#include <algorithm>
#include <cstdint>

#include "coattail/sim/simulation.h"

namespace coattail::sim::internal {

void Simulation::InitWallet(uint32_t id) {
  Wallet& w = wallets_[id];
  Rng& rng = w.decide;
  double per_day = 0.0;
  switch (w.cls) {
    case WalletClass::kInformed:
      per_day = rng.Uniform(10.0, 20.0);
      break;
    case WalletClass::kNoise:
      per_day = rng.Uniform(2.0, 6.0);
      break;
    case WalletClass::kActive:
      per_day = rng.Uniform(60.0, 120.0);
      break;
    case WalletClass::kBot:
      per_day = rng.Uniform(150.0, 300.0);
      break;
    case WalletClass::kExchange:
      per_day = rng.Uniform(100.0, 200.0);
      break;
    case WalletClass::kWash:
      per_day = rng.Uniform(20.0, 50.0);
      break;
    case WalletClass::kLucky: {
      const int64_t n = rng.IntBetween(15, 40);
      for (int64_t i = 0; i < n; ++i) {
        w.schedule.push_back(static_cast<int64_t>(rng.Uniform() * static_cast<double>(span_ms_)));
      }
      std::sort(w.schedule.begin(), w.schedule.end());
      const int64_t run = rng.IntBetween(8, std::min<int64_t>(15, n));
      w.streak_begin = static_cast<size_t>(rng.IntBetween(0, n - run));
      w.streak_end = w.streak_begin + static_cast<size_t>(run);
      Push(ItemKind::kAction, BlockTime(w.schedule[0]), id);
      return;
    }
  }
  if (w.cls == WalletClass::kBot || w.cls == WalletClass::kWash) {
    w.num_favourites = static_cast<int>(rng.IntBetween(1, 3));
    for (int i = 0; i < w.num_favourites; ++i)
      w.favourites[static_cast<size_t>(i)] = RandomToken(rng);
  }
  w.mean_gap_ms = static_cast<double>(kDayMs) / (per_day * config_.activity);
  w.next_ms = 0.0;
  ScheduleNext(id);
}

void Simulation::Act(uint32_t id, ItemKind kind, int64_t now) {
  Wallet& w = wallets_[id];
  Rng& rng = w.decide;
  switch (w.cls) {
    case WalletClass::kInformed: {
      if (kind == ItemKind::kTipAction) {
        const Tip tip = w.tips[w.tip_pos++];
        QueueTrade(MakeTrade(id, tip.asset, true, rng.LogUniform(5e4, 2e6), now));
        if (w.tip_pos < w.tips.size()) Push(ItemKind::kTipAction, w.tips[w.tip_pos].time_ms, id);
        return;
      }
      const int asset = RandomToken(rng);
      const bool up = market_.IdiosyncraticMove(asset, now, config_.informed_lookahead_ms) >= 0.0;
      const bool right = rng.Bernoulli(config_.informed_accuracy);
      QueueTrade(MakeTrade(id, asset, right ? up : !up, rng.LogUniform(5e4, 2e6), now));
      ScheduleNext(id);
      return;
    }
    case WalletClass::kNoise:
    case WalletClass::kActive: {
      const int asset = RandomToken(rng);
      const bool buy = rng.Bernoulli(0.5);
      QueueTrade(MakeTrade(id, asset, buy, rng.LogUniform(2e4, 1e6), now));
      ScheduleNext(id);
      return;
    }
    case WalletClass::kLucky: {
      const size_t i = w.schedule_pos++;
      int asset = RandomToken(rng);
      bool buy = rng.Bernoulli(0.5);
      if (i >= w.streak_begin && i < w.streak_end) {
        // Right in hindsight on every measure: pick a token whose raw and idiosyncratic moves
        // agree, and trade that way.
        for (int attempt = 0; attempt < 16; ++attempt) {
          const double raw = market_.RawMove(asset, now, config_.informed_lookahead_ms);
          const double idio = market_.IdiosyncraticMove(asset, now, config_.informed_lookahead_ms);
          buy = idio >= 0.0;
          if ((raw > 0.0 && idio > 0.0) || (raw < 0.0 && idio < 0.0)) break;
          asset = RandomToken(rng);
        }
      }
      QueueTrade(MakeTrade(id, asset, buy, rng.LogUniform(2e4, 1e6), now));
      if (w.schedule_pos < w.schedule.size()) {
        Push(ItemKind::kAction, BlockTime(w.schedule[w.schedule_pos]), id);
      }
      return;
    }
    case WalletClass::kBot: {
      // A same-block round trip: the same amount bought and sold, in one transaction half the
      // time, else in two.
      const int asset = w.favourites[rng.Below(static_cast<uint64_t>(w.num_favourites))];
      const TradeRecord buy = MakeTrade(id, asset, true, rng.LogUniform(500.0, 5000.0), now);
      TradeRecord sell = buy;
      sell.buy = false;
      sell.price = SlippedPrice(w.deliver, asset, now);
      const bool same_tx = w.deliver.Bernoulli(0.5);
      NewTransaction(w.deliver, sell);
      if (same_tx) {
        sell.tx = buy.tx;
        sell.log_index = buy.log_index + 1;
      }
      QueueTrade(buy);
      QueueTrade(sell);
      ScheduleNext(id);
      return;
    }
    case WalletClass::kExchange: {
      const int asset = RandomToken(rng);
      const bool buy = rng.Bernoulli(0.5);
      QueueTrade(MakeTrade(id, asset, buy, rng.LogUniform(1e6, 2e7), now));
      ScheduleNext(id);
      return;
    }
    case WalletClass::kWash: {
      // Buy, then sell (almost) the same amount a few minutes later in another block.
      const int asset = w.favourites[rng.Below(static_cast<uint64_t>(w.num_favourites))];
      const double usd = rng.LogUniform(5e4, 3e5);
      const double sell_at = static_cast<double>(now - config_.start_time_ms) +
                             rng.Uniform(2.0 * kMinuteMs, 10.0 * kMinuteMs);
      const double amount_ratio = 1.0 + rng.Uniform(-0.0045, 0.0045);
      if (sell_at > static_cast<double>(span_ms_)) return;  // no room left for a round trip
      const TradeRecord buy = MakeTrade(id, asset, true, usd, now);
      const int64_t sell_time = BlockTime(static_cast<int64_t>(sell_at));
      TradeRecord sell = buy;
      sell.block_time_ms = sell_time;
      sell.buy = false;
      sell.price = SlippedPrice(w.deliver, asset, sell_time);
      sell.amount = RoundDecimal(buy.amount * amount_ratio, kAmountDigits);
      NewTransaction(w.deliver, sell);
      QueueTrade(buy);
      QueueTrade(sell);
      w.next_ms = sell_at;
      ScheduleNext(id);
      return;
    }
  }
}

}  // namespace coattail::sim::internal
