#include "coattail/engine/portfolio.h"

#include "gtest/gtest.h"

namespace coattail::engine {
namespace {

// docs/SCORING.md, "Weighted-average cost basis": buy 10 at $1, sell 4 at $2 (realise 4 x (2 - 1)
// = 4), buy 10 at $2 (average (6 x 1 + 10 x 2) / 16 = 1.625), sell 16 at $2 (realise
// 16 x 0.375 = 6): $10 in all, flat afterwards.
TEST(PortfolioTest, WeightedAverageCostWorkedExample) {
  Position p;
  ApplyBuy(p, 10, 1);
  SellEffect first = ApplySell(p, 4, 2);
  EXPECT_DOUBLE_EQ(first.realized, 4);
  EXPECT_DOUBLE_EQ(p.quantity, 6);
  EXPECT_DOUBLE_EQ(p.average_cost(), 1);
  ApplyBuy(p, 10, 2);
  EXPECT_DOUBLE_EQ(p.average_cost(), 1.625);
  SellEffect second = ApplySell(p, 16, 2);
  EXPECT_DOUBLE_EQ(second.realized, 6);
  EXPECT_DOUBLE_EQ(p.realized_pnl, 10);
  EXPECT_EQ(p.quantity, 0);
  EXPECT_EQ(p.cost, 0);
  EXPECT_EQ(p.untracked_sold, 0);
}

TEST(PortfolioTest, SellBeyondThePositionRealisesOnlyWhatWasHeld) {
  Position p;
  ApplyBuy(p, 5, 10);
  SellEffect e = ApplySell(p, 8, 12);
  EXPECT_DOUBLE_EQ(e.matched, 5);
  EXPECT_DOUBLE_EQ(e.untracked, 3);
  EXPECT_DOUBLE_EQ(e.realized, 10);  // 5 x (12 - 10); the 3 untracked tokens have no cost basis
  EXPECT_DOUBLE_EQ(p.untracked_sold, 3);
  EXPECT_EQ(p.quantity, 0);
}

TEST(PortfolioTest, UnrealisedPnlMarksTheRemainingQuantity) {
  Position p;
  ApplyBuy(p, 4, 2.5);
  ApplyBuy(p, 6, 5);                          // cost 10 + 30 = 40 for 10 tokens
  EXPECT_DOUBLE_EQ(p.unrealized_pnl(7), 30);  // 10 x 7 - 40
}

TEST(PortfolioTest, UndoSellRestoresThePositionExactly) {
  Position p;
  ApplyBuy(p, 10, 1);
  ApplyBuy(p, 10, 3);
  const Position before = p;
  SellEffect e = ApplySell(p, 12, 4);
  UndoSell(p, e);
  EXPECT_DOUBLE_EQ(p.quantity, before.quantity);
  EXPECT_DOUBLE_EQ(p.cost, before.cost);
  EXPECT_DOUBLE_EQ(p.realized_pnl, 0);
}

TEST(PortfolioTest, UndoBuyRemovesItsCost) {
  Position p;
  ApplyBuy(p, 10, 1);
  ApplyBuy(p, 10, 3);
  UndoBuy(p, 10, 3);
  EXPECT_DOUBLE_EQ(p.quantity, 10);
  EXPECT_DOUBLE_EQ(p.cost, 10);
}

TEST(PortfolioTest, UndoBuyAfterPartialSaleNeverGoesNegative) {
  Position p;
  ApplyBuy(p, 10, 2);
  ApplySell(p, 7, 3);
  UndoBuy(p, 10, 2);  // only 3 left to remove
  EXPECT_EQ(p.quantity, 0);
  EXPECT_EQ(p.cost, 0);
  EXPECT_DOUBLE_EQ(p.realized_pnl, 7);  // the sale already happened; its PnL stands
}

}  // namespace
}  // namespace coattail::engine
