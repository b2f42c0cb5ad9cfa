// Benjamini-Hochberg false-discovery-rate adjusted p-values ("q-values").
#ifndef COATTAIL_STATS_FDR_H_
#define COATTAIL_STATS_FDR_H_

#include <span>
#include <vector>

namespace coattail::stats {

// Returns the BH-adjusted p-value of every input, in the SAME order as the input.
//
// With the m non-NaN p-values sorted ascending, p_(1) <= ... <= p_(m),
//   q_(i) = min_{j >= i} min(1, m p_(j) / j)
// (Benjamini & Hochberg 1995, JRSS B 57:289-300; the adjusted-p form of Yekutieli & Benjamini 1999,
// identical to R's p.adjust(p, "BH")). Rejecting every hypothesis with q <= alpha is exactly the BH
// step-up procedure at level alpha. This is NOT Storey's q-value (no estimate of the null share).
//
// Conventions: a NaN p-value is not a test. It gets q = 1 and is not counted in m (as p.adjust does
// with NA). Values outside [0, 1] are clamped into it. Tied p-values get equal q-values. The sort
// breaks ties by input position, so the result is deterministic. O(m log m).
std::vector<double> BenjaminiHochbergQValues(std::span<const double> p);

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_FDR_H_
