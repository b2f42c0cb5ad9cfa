// Weighted-average cost basis positions (the industry norm for wallet PnL; docs/SCORING.md).
#ifndef COATTAIL_ENGINE_PORTFOLIO_H_
#define COATTAIL_ENGINE_PORTFOLIO_H_

namespace coattail::engine {

struct Position {
  double quantity = 0;        // tokens held with a known cost
  double cost = 0;            // total cost basis of `quantity`, USD
  double realized_pnl = 0;    // USD
  double untracked_sold = 0;  // tokens sold beyond what we saw bought (no cost basis known)

  double average_cost() const { return quantity > 0 ? cost / quantity : 0; }
  double unrealized_pnl(double mark) const { return quantity * mark - cost; }
};

// What a sell did, kept so a chain reorganisation can undo it exactly.
struct SellEffect {
  double matched = 0;    // quantity taken from the position
  double avg_cost = 0;   // average cost at the time of the sale
  double realized = 0;   // matched * (price - avg_cost)
  double untracked = 0;  // quantity beyond the position
};

void ApplyBuy(Position& p, double quantity, double price);
SellEffect ApplySell(Position& p, double quantity, double price);

// Undo a buy: remove its quantity and cost. When later sells already consumed part of it, only what
// is left is removed (the sells keep their realised PnL) and the position never goes negative.
void UndoBuy(Position& p, double quantity, double price);
void UndoSell(Position& p, const SellEffect& e);

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_PORTFOLIO_H_
