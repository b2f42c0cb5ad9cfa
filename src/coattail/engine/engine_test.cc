#include "coattail/engine/engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "coattail/engine/engine_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::engine {
namespace {

using ::coattail::engine::testing::Harness;
using ::coattail::engine::testing::kHour;
using ::coattail::engine::testing::kMinute;
using ::coattail::engine::testing::kT0;
using ::coattail::engine::testing::PriceLine;
using ::coattail::engine::testing::TradeLine;
using ::coattail::engine::testing::TradeSpec;
using ::testing::HasSubstr;

EngineConfig OneHourNoDecay() {
  EngineConfig c;
  c.horizons_ms = {kHour};
  c.half_life_ms = 0;
  c.lateness_ms = 0;
  c.beta_prior_strength = 0;
  return c;
}

void ExpectBalanced(const Counters& c) {
  EXPECT_EQ(c.lines_read, c.accepted + c.duplicates + c.rejected);
}

// docs/SCORING.md, forward return: r = side x (ln P(t+h)/P(t) - beta x ln B(t+h)/B(t)).
TEST(EngineTest, ForwardReturnIsMarketAdjustedWithTheBetaOfTheResolutionTime) {
  Harness h(OneHourNoDecay());
  h.FeedAll({
      PriceLine("ETH", kT0, 2000), PriceLine("TKN", kT0, 10),
      TradeLine({.wallet = 1,
                 .token = "TKN",
                 .buy = true,
                 .amount = 3,
                 .price = 10,
                 .time_ms = kT0 + 10 * kMinute}),
      PriceLine("ETH", kT0 + 30 * kMinute, 2100), PriceLine("TKN", kT0 + 30 * kMinute, 11),
      PriceLine("ETH", kT0 + 60 * kMinute, 2200),
      PriceLine("TKN", kT0 + 120 * kMinute, 12),  // first TKN price after the due time t + 1h
  });
  h.engine().Finish();
  // P(t) = 10, B(t) = 2000; due = t + 1h = T0 + 70 min: P(due) = 11 (T0 + 30 min), B(due) = 2200.
  // One beta interval so far (T0 -> T0 + 30 min): beta = ln(11/10) / ln(2100/2000).
  const double beta = std::log(1.1) / std::log(1.05);
  const double r = std::log(11.0 / 10.0) - beta * std::log(2200.0 / 2000.0);
  const std::vector<WalletMomentsRow> rows = h.engine().MomentsRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].n, 1);
  EXPECT_NEAR(rows[0].mean, r, 1e-15);
  EXPECT_NEAR(r, -0.0908748, 1e-6);  // the same number, computed by hand
  EXPECT_EQ(h.engine().counters().evaluations_resolved, 1);
  ExpectBalanced(h.engine().counters());
}

TEST(EngineTest, SellSignFlipsTheReturnAndBenchmarkTradesAreZero) {
  Harness h(OneHourNoDecay());
  h.FeedAll({
      PriceLine("ETH", kT0, 2000),
      PriceLine("TKN", kT0, 10),
      TradeLine({.wallet = 1,
                 .token = "TKN",
                 .buy = false,
                 .amount = 1,
                 .price = 10,
                 .time_ms = kT0 + kMinute,
                 .tx = 1}),
      TradeLine({.wallet = 2,
                 .token = "ETH",
                 .buy = true,
                 .amount = 1,
                 .price = 2000,
                 .time_ms = kT0 + kMinute,
                 .tx = 2}),
      PriceLine("ETH", kT0 + 2 * kHour, 2500),
      PriceLine("TKN", kT0 + 2 * kHour, 20),
      PriceLine("ETH", kT0 + 3 * kHour, 2500),
      PriceLine("TKN", kT0 + 3 * kHour, 20),
  });
  h.engine().Finish();
  // No beta interval before the resolution at T0 + 2h: beta = 1 (the prior's value with n = 0).
  // TKN's P(due) = 10, B(due) = 2000: r = -(0 - 0) = 0; ETH's r is 0 by definition.
  const std::vector<WalletMomentsRow> rows = h.engine().MomentsRows();
  ASSERT_EQ(rows.size(), 2u);
  for (const WalletMomentsRow& row : rows) EXPECT_EQ(row.mean, 0) << row.wallet;
}

TEST(EngineTest, ReordersWithinLatenessAndRejectsLateEvents) {
  EngineConfig c = OneHourNoDecay();
  c.lateness_ms = 5 * kMinute;
  Harness h(c);
  h.FeedAll({
      PriceLine("ETH", kT0, 2000),
      PriceLine("TKN", kT0, 10),
      // The trade arrives before a price stamped a minute earlier; within lateness it must see it.
      TradeLine({.wallet = 1,
                 .token = "TKN",
                 .buy = true,
                 .amount = 1,
                 .price = 12,
                 .time_ms = kT0 + 10 * kMinute}),
      PriceLine("TKN", kT0 + 9 * kMinute, 12),
      PriceLine("ETH", kT0 + 30 * kMinute, 2000),
      PriceLine("TKN", kT0 + 30 * kMinute, 12),
      PriceLine("TKN", kT0 + 10 * kMinute, 99),  // 20 minutes behind: late
      PriceLine("ETH", kT0 + 80 * kMinute, 2000),
      PriceLine("TKN", kT0 + 80 * kMinute, 24),
  });
  h.engine().Finish();
  const Counters& counters = h.engine().counters();
  EXPECT_EQ(counters.late, 1);
  EXPECT_EQ(counters.rejected, 1);
  ASSERT_EQ(h.rejects.size(), 1u);
  EXPECT_EQ(h.rejects[0].first, 7);
  EXPECT_THAT(h.rejects[0].second, HasSubstr("late"));
  // P(t) = 12 (the reordered price), P(due) = 12 at T0 + 30 min: r = 0 (ETH flat, beta irrelevant).
  const std::vector<WalletMomentsRow> rows = h.engine().MomentsRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].mean, 0);
  ExpectBalanced(counters);
}

TEST(EngineTest, EqualTimesProcessBenchmarkThenPricesThenTrades) {
  Harness h(OneHourNoDecay());
  // Trade first in the input, prices of the same instant after it: the trade must still see them.
  h.FeedAll({
      TradeLine(
          {.wallet = 1, .token = "TKN", .buy = true, .amount = 1, .price = 10, .time_ms = kT0}),
      PriceLine("TKN", kT0, 10),
      PriceLine("ETH", kT0, 2000),
      PriceLine("ETH", kT0 + 2 * kHour, 2000),
      PriceLine("TKN", kT0 + 2 * kHour, 11),
  });
  h.engine().Finish();
  EXPECT_EQ(h.engine().counters().unpriced_trades, 0);
  EXPECT_EQ(h.engine().counters().evaluations_resolved, 1);
}

TEST(EngineTest, DuplicatesAreCountedAndIgnored) {
  Harness h(OneHourNoDecay());
  const std::string trade = TradeLine({.wallet = 1,
                                       .token = "TKN",
                                       .buy = true,
                                       .amount = 2,
                                       .price = 5,
                                       .time_ms = kT0 + kMinute});
  h.FeedAll({PriceLine("ETH", kT0, 2000), PriceLine("TKN", kT0, 5), trade, trade, trade});
  h.engine().Finish();
  const Counters& c = h.engine().counters();
  EXPECT_EQ(c.trades, 1);
  EXPECT_EQ(c.duplicates, 2);
  const std::vector<WalletScoreRow> rows = h.engine().ScoreRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].volume_usd, 10);
  EXPECT_EQ(rows[0].trade_count, 1);
  ExpectBalanced(c);
}

TEST(EngineTest, RetractionUndoesPositionVolumeAndResolvedReturns) {
  EngineConfig c = OneHourNoDecay();
  c.lateness_ms = kHour;  // keep the retraction inside the reorder window's reach
  Harness h(c);
  TradeSpec buy{
      .wallet = 1, .token = "TKN", .buy = true, .amount = 2, .price = 5, .time_ms = kT0 + kMinute};
  TradeSpec other{.wallet = 1,
                  .token = "TKN",
                  .buy = true,
                  .amount = 1,
                  .price = 5,
                  .time_ms = kT0 + 2 * kMinute,
                  .tx = 2};
  h.FeedAll({PriceLine("ETH", kT0, 2000), PriceLine("TKN", kT0, 5), TradeLine(buy),
             TradeLine(other), PriceLine("ETH", kT0 + 2 * kHour, 2000),
             PriceLine("TKN", kT0 + 2 * kHour, 6)});
  TradeSpec retract = buy;
  retract.removed = true;
  retract.time_ms = kT0 + 2 * kHour + kMinute;  // reorg noticed later; same idempotency key
  h.Feed(TradeLine(retract));
  h.Feed(TradeLine(retract));  // a second retraction is a duplicate
  TradeSpec unknown = buy;
  unknown.tx = 77;
  unknown.removed = true;
  unknown.time_ms = kT0 + 2 * kHour + kMinute;
  h.Feed(TradeLine(unknown));
  h.engine().Finish();

  const Counters& counters = h.engine().counters();
  EXPECT_EQ(counters.retractions, 1);
  EXPECT_EQ(counters.duplicates, 1);
  ASSERT_EQ(h.rejects.size(), 1u);
  EXPECT_THAT(h.rejects[0].second, HasSubstr("retraction of an unknown trade"));
  const std::vector<WalletScoreRow> rows = h.engine().ScoreRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].volume_usd, 5);  // only the other trade is left
  EXPECT_EQ(rows[0].trade_count, 1);
  EXPECT_DOUBLE_EQ(rows[0].unrealized_pnl_usd, 1);  // 1 token bought at 5, marked at 6
  const std::vector<WalletMomentsRow> moments = h.engine().MomentsRows();
  ASSERT_EQ(moments.size(), 1u);
  EXPECT_EQ(moments[0].n, 1);  // the retracted trade's resolved return was removed
  ExpectBalanced(counters);
}

TEST(EngineTest, RetractionBeforeResolutionCancelsThePendingEvaluation) {
  // Also when the trade's record has left the dedup window (30 min) before its evaluation is due
  // (1 h): the cancellation lives with the pending evaluation, not with the record.
  for (const bool evicted : {false, true}) {
    SCOPED_TRACE(evicted ? "record evicted first" : "record still held");
    EngineConfig c = OneHourNoDecay();
    c.lateness_ms = evicted ? 10 * kMinute : kHour;
    if (evicted) c.dedup_window_ms = 30 * kMinute;
    Harness h(c);
    TradeSpec buy{.wallet = 1,
                  .token = "TKN",
                  .buy = true,
                  .amount = 2,
                  .price = 5,
                  .time_ms = kT0 + kMinute};
    TradeSpec retract = buy;
    retract.removed = true;
    retract.time_ms = kT0 + 2 * kMinute;
    std::vector<std::string> lines = {PriceLine("ETH", kT0, 2000), PriceLine("TKN", kT0, 5),
                                      TradeLine(buy), TradeLine(retract)};
    if (evicted) {
      lines.push_back(
          TradeLine({.wallet = 2, .token = "OTHER", .time_ms = kT0 + 50 * kMinute, .tx = 2}));
    }
    lines.push_back(PriceLine("ETH", kT0 + 2 * kHour, 2000));
    lines.push_back(PriceLine("TKN", kT0 + 2 * kHour, 6));
    h.FeedAll(lines);
    h.engine().Finish();
    EXPECT_EQ(h.engine().counters().retractions, 1);
    EXPECT_EQ(h.engine().counters().evaluations_cancelled, 1);
    EXPECT_EQ(h.engine().counters().evaluations_resolved, 0);
    EXPECT_TRUE(h.engine().MomentsRows().empty());
  }
}

TEST(EngineTest, SymbolsAreToldApartByEveryByteAndByLength) {
  // Names that differ only in their last byte, or only in length, around the 8- and 16-byte word
  // boundaries where a packed or word-at-a-time comparison would go wrong, must stay distinct
  // tokens. Only the second token of each pair gets a price after the horizon, so only its trade
  // resolves.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"A", "B"},
      {"ABCDEFG", "ABCDEFH"},
      {"ABCDEFGH", "ABCDEFGI"},
      {"ABCDEFG", "ABCDEFGH"},
      {"ABCDEFGHI", "ABCDEFGHJ"},
      {"ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNP"},
      {"ABCDEFGHIJKLMN", "ABCDEFGHIJKLMNO"},
      {"ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOQ"},
      {"ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOP"},
  };
  for (const auto& [quiet, priced] : pairs) {
    SCOPED_TRACE(quiet + " / " + priced);
    Harness h(OneHourNoDecay());
    std::vector<std::string> resolved_tokens;
    h.engine().set_resolution_observer(
        [&](std::string_view token, int64_t, int64_t) { resolved_tokens.emplace_back(token); });
    TradeSpec a{.wallet = 1, .token = quiet, .time_ms = kT0 + kMinute, .tx = 1};
    TradeSpec b{.wallet = 2, .token = priced, .time_ms = kT0 + kMinute, .tx = 2};
    h.FeedAll({PriceLine("ETH", kT0, 2000), PriceLine(quiet, kT0, 5), PriceLine(priced, kT0, 7),
               TradeLine(a), TradeLine(b), PriceLine("ETH", kT0 + 2 * kHour, 2000),
               PriceLine(priced, kT0 + 2 * kHour, 8)});
    h.engine().Finish();
    EXPECT_EQ(resolved_tokens, std::vector<std::string>{priced});
    const std::vector<WalletMomentsRow> rows = h.engine().MomentsRows();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].wallet, testing::Wallet(2));
  }
}

TEST(EngineTest, InvalidLinesGoToTheRejectSinkWithTheParserReason) {
  Harness h(OneHourNoDecay());
  h.FeedAll({"{", R"({"type":"price","token":"ETH","time":1767225600000,"price_usd":-1})",
             PriceLine("ETH", kT0, 2000)});
  h.engine().Finish();
  ASSERT_EQ(h.rejects.size(), 2u);
  EXPECT_EQ(h.rejects[0].first, 1);
  EXPECT_EQ(h.rejects[1].first, 2);
  EXPECT_THAT(h.rejects[1].second, HasSubstr("price_usd"));
  ExpectBalanced(h.engine().counters());
}

TEST(EngineTest, BehaviourFlagsAndTiers) {
  EngineConfig c = OneHourNoDecay();
  c.flag_min_trades = 4;
  Harness h(c);
  h.Feed(PriceLine("ETH", kT0, 2000));
  h.Feed(PriceLine("TKN", kT0, 10));
  int tx = 1;
  for (int i = 0; i < 4; ++i) {  // bot: buy and sell in the same block
    const int64_t t = kT0 + (i + 1) * kMinute;
    h.Feed(TradeLine({.wallet = 1,
                      .buy = true,
                      .amount = 1,
                      .price = 10,
                      .time_ms = t,
                      .tx = tx++,
                      .block = 100 + i}));
    h.Feed(TradeLine({.wallet = 1,
                      .buy = false,
                      .amount = 1,
                      .price = 10,
                      .time_ms = t,
                      .tx = tx++,
                      .block = 100 + i}));
  }
  for (int i = 0; i < 4; ++i) {  // wash: same amount back and forth, blocks apart
    const int64_t t = kT0 + (i + 1) * 10 * kMinute;
    h.Feed(TradeLine(
        {.wallet = 2, .buy = true, .amount = 5000, .price = 10, .time_ms = t, .tx = tx++}));
    h.Feed(TradeLine({.wallet = 2,
                      .buy = false,
                      .amount = 5000,
                      .price = 10,
                      .time_ms = t + 3 * kMinute,
                      .tx = tx++}));
  }
  for (int i = 0; i < 4; ++i) {  // exchange: huge two-sided flows
    h.Feed(TradeLine({.wallet = 3,
                      .buy = i % 2 == 0,
                      .amount = 300'000.0 + i * 1000.0,
                      .price = 10,
                      .time_ms = kT0 + 50 * kMinute + i * kMinute,
                      .tx = tx++}));
  }
  h.engine().Finish();
  for (const WalletScoreRow& row : h.engine().ScoreRows()) {
    if (row.wallet == testing::Wallet(1)) {
      EXPECT_TRUE(row.bot_like);
      EXPECT_FALSE(row.wash_like);
      EXPECT_EQ(row.tier, "shrimp");
    } else if (row.wallet == testing::Wallet(2)) {
      EXPECT_TRUE(row.wash_like);
      EXPECT_FALSE(row.bot_like);
      EXPECT_EQ(row.tier, "dolphin");  // 8 x $50k = $400k
    } else {
      EXPECT_TRUE(row.exchange_like);
      EXPECT_EQ(row.tier, "leviathan");
    }
  }
}

// A wallet that always trades ahead of the next move: proven smart, so its big trades alert.
std::vector<std::string> InformedMarket(int trades) {
  std::vector<std::string> lines;
  double price = 100;
  int tx = 1;
  for (int i = 0; i < trades; ++i) {
    const int64_t t = kT0 + static_cast<int64_t>(i) * 2 * kHour;
    const bool up = (i * 7919) % 3 != 0;
    lines.push_back(PriceLine("ETH", t, 2000));
    lines.push_back(PriceLine("TKN", t, price));
    lines.push_back(TradeLine({.wallet = 1,
                               .token = "TKN",
                               .buy = up,
                               .amount = 5000,
                               .price = price,
                               .time_ms = t + kMinute,
                               .tx = tx++}));
    lines.push_back(TradeLine({.wallet = 2 + i % 5,
                               .token = "TKN",
                               .buy = i % 2 == 0,
                               .amount = 10,
                               .price = price,
                               .time_ms = t + kMinute,
                               .tx = tx++}));
    price *= up ? 1.02 : 0.98;
    lines.push_back(PriceLine("TKN", t + 30 * kMinute, price));
  }
  return lines;
}

TEST(EngineTest, ProvenWalletRaisesRateLimitedDeterministicAlerts) {
  EngineConfig c = OneHourNoDecay();
  c.min_resolved = 10;
  c.alert_min_usd = 100'000;
  c.alert_rate_limit = 1;
  c.alert_rate_window_ms = 3 * kHour;  // trades come every 2 h: every other one is suppressed
  Harness h(c);
  h.FeedAll(InformedMarket(80));
  h.engine().Finish();
  ASSERT_FALSE(h.alerts.empty());
  EXPECT_GT(h.engine().counters().alerts_rate_limited, 0);
  for (const Alert& a : h.alerts) {
    EXPECT_EQ(a.wallet, testing::Wallet(1));
    EXPECT_GE(a.usd_value, 100'000);
    EXPECT_LE(a.q_value, 0.05);
    EXPECT_GE(a.n, 10);
    EXPECT_EQ(a.alert_id.size(), 32u);
    EXPECT_THAT(a.reason, HasSubstr("smart money"));
  }
  Harness again(c);
  again.FeedAll(InformedMarket(80));
  again.engine().Finish();
  ASSERT_EQ(again.alerts.size(), h.alerts.size());
  for (size_t i = 0; i < h.alerts.size(); ++i) {
    EXPECT_EQ(again.alerts[i].alert_id, h.alerts[i].alert_id);
  }
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

TEST(EngineTest, CheckpointResumeIsBitIdentical) {
  EngineConfig c;
  c.min_resolved = 10;
  c.alert_min_usd = 100'000;
  c.lateness_ms = 5 * kMinute;
  const std::vector<std::string> lines = InformedMarket(120);
  const size_t cut = lines.size() / 2 + 3;
  // Both runs are also checkpointed after each of the first lines after the resume, while the
  // resumed run's reorder buffer is a new ring and the straight run's reuses slots of older events.
  const size_t probe_end = std::min(lines.size(), cut + 64);
  Harness straight(c);
  std::vector<std::string> straight_probes;
  for (size_t i = 0; i < lines.size(); ++i) {
    straight.Feed(lines[i]);
    if (i >= cut && i < probe_end) straight.engine().SaveState(straight_probes.emplace_back());
  }
  straight.engine().Finish();

  Harness resumed(c);
  for (size_t i = 0; i < cut; ++i) resumed.Feed(lines[i]);
  std::string state;
  resumed.engine().SaveState(state);
  auto fresh = Engine::Create(c, &resumed, &resumed);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->LoadState(state).ok());
  std::string again;
  (*fresh)->SaveState(again);
  EXPECT_EQ(state, again);  // a loaded state saves back to the same bytes
  resumed.Replace(std::move(*fresh));
  std::vector<std::string> resumed_probes;
  for (size_t i = cut; i < lines.size(); ++i) {
    resumed.Feed(lines[i]);
    if (i < probe_end) resumed.engine().SaveState(resumed_probes.emplace_back());
  }
  resumed.engine().Finish();
  // The same bytes, though the two reorder buffers reused their slots differently: nothing of an
  // earlier event is left in a slot that a later one took.
  ASSERT_EQ(straight_probes.size(), probe_end - cut);
  ASSERT_EQ(resumed_probes.size(), straight_probes.size());
  for (size_t i = 0; i < straight_probes.size(); ++i) {
    ASSERT_EQ(straight_probes[i], resumed_probes[i]) << "checkpoint after line " << cut + i + 1;
  }

  const std::vector<WalletScoreRow> a = straight.engine().ScoreRows();
  const std::vector<WalletScoreRow> b = resumed.engine().ScoreRows();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].wallet, b[i].wallet);
    EXPECT_TRUE(SameBits(a[i].shrunk_alpha, b[i].shrunk_alpha));
    EXPECT_TRUE(SameBits(a[i].t_stat, b[i].t_stat));
    EXPECT_TRUE(SameBits(a[i].q_value, b[i].q_value));
    EXPECT_TRUE(SameBits(a[i].effective_n, b[i].effective_n));
    EXPECT_TRUE(SameBits(a[i].realized_pnl_usd, b[i].realized_pnl_usd));
  }
  ASSERT_EQ(straight.alerts.size(), resumed.alerts.size());
  for (size_t i = 0; i < straight.alerts.size(); ++i) {
    EXPECT_EQ(straight.alerts[i].alert_id, resumed.alerts[i].alert_id);
  }
}

// Events of equal time and class are ordered by content (token, wallet), not by arrival, so a
// merge of Kinesis shards and the file they came from score identically. Reordering events of
// different tokens and wallets within each timestamp must not change a single bit; reordering
// those of one token or one wallet would (and a shard never does: it keeps a key's order).
TEST(EngineTest, InterleavingOfDifferentKeysAtOneTimeDoesNotChangeABit) {
  EngineConfig c;
  c.min_resolved = 5;
  c.alert_min_usd = 1'000;
  c.lateness_ms = 5 * kMinute;
  std::vector<std::string> lines;
  const std::vector<std::string> tokens = {"TKA", "TKB", "TKC"};
  int tx = 1;
  for (int i = 0; i < 300; ++i) {
    const int64_t t = kT0 + static_cast<int64_t>(i) * 10 * kMinute;
    lines.push_back(PriceLine("ETH", t, 2000 + (i * 37) % 11));
    for (size_t k = 0; k < tokens.size(); ++k) {
      lines.push_back(PriceLine(tokens[k], t,
                                10 + static_cast<double>((i * 13 + 7 * static_cast<int>(k)) % 17)));
    }
    for (int w = 1; w <= 6; ++w) {
      lines.push_back(
          TradeLine({.wallet = w,
                     .token = tokens[static_cast<size_t>(w + i) % tokens.size()],
                     .buy = (i * 31 + w * 7) % 3 != 0,
                     .amount = 100.0 + w,
                     .price = 10 + static_cast<double>((i * 13 + 7 * ((w + i) % 3)) % 17),
                     .time_ms = t,
                     .tx = tx++}));
      // A second token at the same instant: both evaluations come due together and resolve at
      // one price tick, in the order of the two tokens' prices, which the shuffle below swaps.
      const size_t second = static_cast<size_t>(w + i + 1) % tokens.size();
      lines.push_back(TradeLine(
          {.wallet = w,
           .token = tokens[second],
           .buy = (i * 17 + w * 5) % 3 != 0,
           .amount = 50.0 + w,
           .price = 10 + static_cast<double>((i * 13 + 7 * static_cast<int>(second)) % 17),
           .time_ms = t,
           .tx = tx++}));
    }
  }
  // Within each run of equal-time lines, a stable sort by descending key: different tokens and
  // wallets swap places, each key keeps its own order.
  auto key = [](const std::string& line) {
    const size_t w = line.find("\"wallet\":\"");
    if (w != std::string::npos) return line.substr(w, 54);
    return line.substr(line.find("\"token\":\""), 16);
  };
  auto time_of = [](const std::string& line) {
    const size_t at = line.find("time\":");
    return std::stoll(line.substr(at + 6, 13));
  };
  std::vector<std::string> shuffled = lines;
  for (size_t begin = 0; begin < shuffled.size();) {
    size_t end = begin;
    while (end < shuffled.size() && time_of(shuffled[end]) == time_of(shuffled[begin])) ++end;
    std::stable_sort(
        shuffled.begin() + static_cast<std::ptrdiff_t>(begin),
        shuffled.begin() + static_cast<std::ptrdiff_t>(end),
        [&key](const std::string& a, const std::string& b) { return key(a) > key(b); });
    begin = end;
  }
  ASSERT_NE(shuffled, lines);

  Harness a(c);
  a.FeedAll(lines);
  a.engine().Finish();
  Harness b(c);
  b.FeedAll(shuffled);
  b.engine().Finish();
  // ScoreRows lists wallets in first-seen order, which does depend on arrival: compare by wallet.
  auto by_wallet = [](std::vector<WalletScoreRow> rows) {
    std::sort(rows.begin(), rows.end(), [](const WalletScoreRow& x, const WalletScoreRow& y) {
      return std::tie(x.wallet, x.horizon_ms) < std::tie(y.wallet, y.horizon_ms);
    });
    return rows;
  };
  const std::vector<WalletScoreRow> ra = by_wallet(a.engine().ScoreRows());
  const std::vector<WalletScoreRow> rb = by_wallet(b.engine().ScoreRows());
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].wallet, rb[i].wallet);
    EXPECT_TRUE(SameBits(ra[i].mean_return, rb[i].mean_return)) << ra[i].wallet;
    EXPECT_TRUE(SameBits(ra[i].shrunk_alpha, rb[i].shrunk_alpha)) << ra[i].wallet;
    EXPECT_TRUE(SameBits(ra[i].t_stat, rb[i].t_stat)) << ra[i].wallet;
    EXPECT_TRUE(SameBits(ra[i].q_value, rb[i].q_value)) << ra[i].wallet;
    EXPECT_TRUE(SameBits(ra[i].realized_pnl_usd, rb[i].realized_pnl_usd)) << ra[i].wallet;
  }
  ASSERT_EQ(a.alerts.size(), b.alerts.size());
  for (size_t i = 0; i < a.alerts.size(); ++i) {
    EXPECT_EQ(a.alerts[i].alert_id, b.alerts[i].alert_id);
    EXPECT_TRUE(SameBits(a.alerts[i].score, b.alerts[i].score));
  }
}

TEST(EngineTest, LoadStateRefusesAnotherConfigurationAndGarbage) {
  EngineConfig c = OneHourNoDecay();
  Harness h(c);
  h.Feed(PriceLine("ETH", kT0, 2000));
  std::string state;
  h.engine().SaveState(state);
  EngineConfig other = c;
  other.q_threshold = 0.01;
  auto e = Engine::Create(other, nullptr, nullptr);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->LoadState(state).code(), absl::StatusCode::kFailedPrecondition);
  auto same = Engine::Create(c, nullptr, nullptr);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE((*same)->LoadState(state.substr(0, state.size() / 2)).ok());
  EXPECT_FALSE((*same)->LoadState("garbage").ok());
}

TEST(EngineTest, LoadStateRefusesAnotherVersionAndSaysWhichVersions) {
  EngineConfig c = OneHourNoDecay();
  Harness h(c);
  h.Feed(PriceLine("ETH", kT0, 2000));
  std::string state;
  h.engine().SaveState(state);
  state[4] = 4;  // the version, a little-endian u32 after the magic
  auto e = Engine::Create(c, nullptr, nullptr);
  ASSERT_TRUE(e.ok());
  const absl::Status s = (*e)->LoadState(state);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("version 4"));
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("reads version 5"));
}

// Every record kind is in this state: chains, tokens with pending evaluations, wallets with
// moments and snapshots, holdings, buffered events, trade effects (a retracted one and a sell),
// alert ids and a retraction's raw line. No prefix of it may load, and a failed load leaves the
// running state as it was.
TEST(EngineTest, EveryTruncatedCheckpointIsRefusedAndLeavesTheStateAlone) {
  EngineConfig c = OneHourNoDecay();
  c.alert_min_usd = 1;
  Harness h(c);
  for (int i = 0; i < 6; ++i) {
    const int64_t t = kT0 + i * 20 * kMinute;
    h.FeedAll({PriceLine("ETH", t, 2000 + 10 * i), PriceLine("TKN", t, 10.0 + i),
               TradeLine({.wallet = 1 + i % 2,
                          .buy = i % 3 != 2,
                          .amount = 5,
                          .price = 10.0 + i,
                          .time_ms = t + kMinute,
                          .tx = 10 + i})});
  }
  h.Feed(TradeLine({.wallet = 1, .time_ms = kT0 + 101 * kMinute, .tx = 10, .removed = true}));
  std::string state;
  h.engine().SaveState(state);
  auto e = Engine::Create(c, nullptr, nullptr);
  ASSERT_TRUE(e.ok());
  std::string before;
  (*e)->SaveState(before);
  for (size_t n = 0; n < state.size(); ++n) {
    ASSERT_FALSE((*e)->LoadState(std::string_view(state).substr(0, n)).ok()) << n;
  }
  std::string after;
  (*e)->SaveState(after);
  EXPECT_EQ(after, before);
  ASSERT_TRUE((*e)->LoadState(state).ok());
  std::string loaded;
  (*e)->SaveState(loaded);
  EXPECT_EQ(loaded, state);
  EXPECT_FALSE((*e)->LoadState(state + "x").ok()) << "trailing bytes";
}

}  // namespace
}  // namespace coattail::engine
