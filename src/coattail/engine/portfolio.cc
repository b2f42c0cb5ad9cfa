#include "coattail/engine/portfolio.h"

#include <algorithm>
#include <cmath>

namespace coattail::engine {
namespace {

// Repeated float arithmetic leaves dust like 1e-15 tokens after a full exit; treat it as flat so
// the average cost of the next purchase is not polluted by a near-zero denominator.
void SnapToFlat(Position& p, double scale) {
  if (p.quantity <= 1e-12 * std::max(1.0, scale)) {
    p.quantity = 0;
    p.cost = 0;
  }
}

}  // namespace

void ApplyBuy(Position& p, double quantity, double price) {
  p.quantity += quantity;
  p.cost += quantity * price;
}

SellEffect ApplySell(Position& p, double quantity, double price) {
  SellEffect e;
  e.matched = std::min(quantity, p.quantity);
  e.untracked = quantity - e.matched;
  e.avg_cost = p.average_cost();
  e.realized = e.matched * (price - e.avg_cost);
  p.realized_pnl += e.realized;
  const double before = p.quantity;
  p.quantity -= e.matched;
  p.cost -= e.matched * e.avg_cost;
  p.untracked_sold += e.untracked;
  SnapToFlat(p, before);
  return e;
}

void UndoBuy(Position& p, double quantity, double price) {
  const double removed = std::min(quantity, p.quantity);
  const double before = p.quantity;
  // Remove at the buy's own price when the whole lot is still there; otherwise at the current
  // average, which keeps the average cost of what remains unchanged.
  p.cost -= removed == quantity ? quantity * price : removed * p.average_cost();
  p.quantity -= removed;
  if (p.cost < 0) p.cost = 0;
  SnapToFlat(p, before);
}

void UndoSell(Position& p, const SellEffect& e) {
  p.realized_pnl -= e.realized;
  p.quantity += e.matched;
  p.cost += e.matched * e.avg_cost;
  p.untracked_sold -= e.untracked;
  if (std::fabs(p.untracked_sold) < 1e-12) p.untracked_sold = 0;
}

}  // namespace coattail::engine
