// Properties checked on random streams against a brute-force reference (rapidcheck).
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "coattail/engine/engine.h"
#include "coattail/engine/engine_test_util.h"
#include "coattail/engine/portfolio.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"

namespace coattail::engine {
namespace {

using ::coattail::engine::testing::Harness;
using ::coattail::engine::testing::kMinute;
using ::coattail::engine::testing::kT0;
using ::coattail::engine::testing::PriceLine;
using ::coattail::engine::testing::TradeLine;

struct Ev {
  bool trade = false;
  int token = 0;  // 0 = ETH (the benchmark), 1..2 = TKN1, TKN2
  int wallet = 1;
  bool buy = true;
  int64_t time = 0;
  double price = 1;
};

std::string TokenName(int t) { return t == 0 ? "ETH" : "TKN" + std::to_string(t); }

// Random streams, already in event-time order (sorting is covered by the unit tests).
std::vector<Ev> GenStream() {
  const int n = *rc::gen::inRange(1, 120);
  std::vector<Ev> evs;
  int64_t t = kT0;
  for (int i = 0; i < n; ++i) {
    t += *rc::gen::inRange(0, 40) * kMinute;
    Ev e;
    e.trade = *rc::gen::inRange(0, 3) == 0;
    e.token = *rc::gen::inRange(0, 3);
    e.wallet = *rc::gen::inRange(1, 4);
    e.buy = *rc::gen::arbitrary<bool>();
    e.time = t;
    e.price = *rc::gen::inRange(50, 150) / 10.0;
    evs.push_back(e);
  }
  return evs;
}

TEST(EnginePropertyTest, EvaluationsResolveInDueOrderNoneLostOrDoubled) {
  const bool ok = rc::check([] {
    const std::vector<Ev> evs = GenStream();
    EngineConfig c;
    c.horizons_ms = {30 * kMinute, 90 * kMinute};
    c.half_life_ms = 0;
    c.lateness_ms = 0;
    Harness h(c);
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> seen;  // token -> (due, at)
    h.engine().set_resolution_observer([&](std::string_view token, int64_t due, int64_t at) {
      seen[std::string(token)].emplace_back(due, at);
    });
    int tx = 1;
    for (const Ev& e : evs) {
      h.Feed(e.trade ? TradeLine({.wallet = e.wallet,
                                  .token = TokenName(e.token),
                                  .buy = e.buy,
                                  .amount = 1,
                                  .price = e.price,
                                  .time_ms = e.time,
                                  .tx = tx++})
                     : PriceLine(TokenName(e.token), e.time, e.price));
    }
    h.engine().Finish();

    // Reference: a trade is evaluated when its token and the benchmark have a price at or before
    // it (equal times: prices first); an evaluation resolves at the first price of its token
    // strictly after the due time.
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> expected;
    int64_t scheduled = 0;
    for (size_t i = 0; i < evs.size(); ++i) {
      if (!evs[i].trade) continue;
      bool priced = false;
      bool bench = false;
      for (const Ev& p : evs) {
        if (p.trade || p.time > evs[i].time) continue;
        priced |= p.token == evs[i].token;
        bench |= p.token == 0;
      }
      if (!priced || !bench) continue;
      for (int64_t horizon : c.horizons_ms) {
        ++scheduled;
        const int64_t due = evs[i].time + horizon;
        for (const Ev& p : evs) {
          if (!p.trade && p.token == evs[i].token && p.time > due) {
            expected[TokenName(evs[i].token)].emplace_back(due, p.time);
            break;
          }
        }
      }
    }
    const Counters& counters = h.engine().counters();
    RC_ASSERT(counters.evaluations_scheduled == scheduled);
    int64_t resolved = 0;
    for (auto& [token, list] : expected) {
      std::sort(list.begin(), list.end());
      const auto& got = seen[token];
      // Due order within a token, each exactly once, each at the first later price.
      RC_ASSERT(std::is_sorted(got.begin(), got.end()));
      RC_ASSERT(got == list);
      resolved += static_cast<int64_t>(list.size());
    }
    RC_ASSERT(counters.evaluations_resolved == resolved);
    RC_ASSERT(counters.lines_read == counters.accepted + counters.duplicates + counters.rejected);
  });
  EXPECT_TRUE(ok);
}

TEST(EnginePropertyTest, PnlAndPositionAreConserved) {
  const bool ok = rc::check([](const std::vector<std::pair<bool, uint16_t>>& ops) {
    Position p;
    double bought = 0;
    double matched_sold = 0;
    double buy_cost = 0;
    double sell_proceeds = 0;
    double price = 10;
    for (const auto& [buy, raw] : ops) {
      const double qty = 1 + raw % 500;
      price = 1 + (raw % 97) / 4.0;
      if (buy) {
        ApplyBuy(p, qty, price);
        bought += qty;
        buy_cost += qty * price;
      } else {
        const SellEffect e = ApplySell(p, qty, price);
        RC_ASSERT(e.matched + e.untracked == qty);
        matched_sold += e.matched;
        sell_proceeds += e.matched * price;
      }
      RC_ASSERT(p.quantity >= 0);
      RC_ASSERT(p.cost >= -1e-9);
      const double scale = std::max(1.0, bought);
      RC_ASSERT(std::fabs(p.quantity - (bought - matched_sold)) <= 1e-9 * scale);
      // Value is conserved: realised + unrealised = proceeds + holdings at the mark - cost paid.
      const double mark = price;
      const double lhs = p.realized_pnl + p.unrealized_pnl(mark);
      const double rhs = sell_proceeds + p.quantity * mark - buy_cost;
      RC_ASSERT(std::fabs(lhs - rhs) <= 1e-7 * std::max(1.0, buy_cost));
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace coattail::engine
