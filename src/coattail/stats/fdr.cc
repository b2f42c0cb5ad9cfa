#include "coattail/stats/fdr.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace coattail::stats {

std::vector<double> BenjaminiHochbergQValues(std::span<const double> p) {
  std::vector<double> q(p.size(), 1.0);
  std::vector<std::pair<double, size_t>> sorted;
  sorted.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    if (std::isnan(p[i])) continue;
    sorted.emplace_back(std::clamp(p[i], 0.0, 1.0), i);
  }
  // Pairs compare by p, then by index: a total order, so the result does not depend on the sort.
  std::sort(sorted.begin(), sorted.end());
  const auto m = static_cast<double>(sorted.size());
  // Step-up: walk from the largest p down, carrying the running minimum of m p_(j) / j (capped at 1
  // by starting the minimum there).
  double running_min = 1.0;
  for (size_t j = sorted.size(); j >= 1; --j) {
    const auto& [pj, index] = sorted[j - 1];
    // p (m / j) rather than (m p) / j: m / j >= 1 survives rounding, so q >= p holds exactly.
    running_min = std::min(running_min, pj * (m / static_cast<double>(j)));
    q[index] = running_min;
  }
  return q;
}

}  // namespace coattail::stats
