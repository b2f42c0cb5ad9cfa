// Empirical-Bayes normal-normal shrinkage of per-wallet alpha towards ZERO.
//
// Model: each unit's estimate m_i ~ N(alpha_i, s_i^2) with s_i^2 known, and alpha_i ~ N(0, tau^2).
// The posterior of alpha_i is N(B_i m_i, B_i s_i^2) with B_i = tau^2 / (tau^2 + s_i^2) (Efron &
// Morris 1975, JASA 70:311-319). tau^2 is estimated by the method of moments from the k eligible
// units, as in DerSimonian & Laird (1986) but with the centre fixed at 0: E[m_i^2] = tau^2 + s_i^2
// under the model, so
//   tau^2 = max(0, (1/k) sum_i (m_i^2 - s_i^2)).
//
// Why centre at 0 and not at the cross-sectional mean: zero alpha is the null the market tells us
// to expect (Barras, Scaillet & Wermers 2010, JF 65:179-216, find ~75% of funds have zero alpha),
// and the cross-section of wallets is dominated in number by bots, exchanges and MEV searchers
// whose average would move the centre; shrinking towards that average would credit every wallet
// with the crowd's drift (or debit it) instead of asking whether it beats zero.
#ifndef COATTAIL_STATS_SHRINKAGE_H_
#define COATTAIL_STATS_SHRINKAGE_H_

#include <cstdint>
#include <span>

#include "absl/status/statusor.h"

namespace coattail::stats {

struct Prior {
  double tau2 = 0.0;  // prior variance of alpha around 0; 0 means "everything shrinks to 0"
  int64_t k = 0;      // number of units it was estimated from
};

// Accumulates units one at a time, for callers that select units on the fly (ScoreWallets). The sum
// is compensated (Neumaier), so the result does not drift with thousands of units.
class ZeroCentredPriorEstimator {
 public:
  // Precondition: mean finite, se2 finite and >= 0 (EstimateZeroCentredPrior checks this).
  void AddUnit(double mean, double se2);
  Prior Finish() const;

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
  int64_t k_ = 0;
};

// tau^2 from per-unit means and squared standard errors (same length). InvalidArgument when the
// lengths differ, a mean is not finite, or an se2 is negative, NaN or infinite. k = 0 gives tau2 =
// 0.
absl::StatusOr<Prior> EstimateZeroCentredPrior(std::span<const double> means,
                                               std::span<const double> se2);

// "No information" about a unit means se2 = +infinity; NaN or negative se2 are read the same way
// (a variance that is not a variance carries no evidence), so such a unit gets the prior.

// B = tau^2 / (tau^2 + se2): the weight the data get. 0 when tau^2 = 0 (the prior is then a point
// mass at 0 and wins outright) or when there is no information; 1 when se2 = 0 and tau^2 > 0.
double ShrinkageFactor(const Prior& prior, double se2);

// Posterior mean B * m. Exactly 0 whenever B = 0, so an infinite or NaN m with no information
// behind it cannot leak through as 0 * inf.
double ShrunkMean(const Prior& prior, double m, double se2);

// Posterior standard deviation sqrt(B) * s = sqrt(tau^2 s^2 / (tau^2 + s^2)); with no information
// it is the prior sd sqrt(tau^2).
double PosteriorSd(const Prior& prior, double se2);

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_SHRINKAGE_H_
