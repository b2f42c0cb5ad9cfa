#include "coattail/stats/shrinkage.h"

#include <cmath>
#include <cstddef>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::stats {
namespace {

// True when se2 carries information: a finite, non-negative variance.
bool Informative(double se2) { return se2 >= 0.0 && std::isfinite(se2); }

}  // namespace

void ZeroCentredPriorEstimator::AddUnit(double mean, double se2) {
  // Neumaier's variant of Kahan summation: the low-order bits lost by each addition are collected
  // in compensation_, whichever operand is larger.
  const double term = mean * mean - se2;
  const double t = sum_ + term;
  if (std::fabs(sum_) >= std::fabs(term)) {
    compensation_ += (sum_ - t) + term;
  } else {
    compensation_ += (term - t) + sum_;
  }
  sum_ = t;
  ++k_;
}

Prior ZeroCentredPriorEstimator::Finish() const {
  if (k_ == 0) return Prior{0.0, 0};
  const double mean_excess = (sum_ + compensation_) / static_cast<double>(k_);
  return Prior{mean_excess > 0.0 ? mean_excess : 0.0, k_};
}

absl::StatusOr<Prior> EstimateZeroCentredPrior(std::span<const double> means,
                                               std::span<const double> se2) {
  if (means.size() != se2.size()) {
    return absl::InvalidArgumentError("EstimateZeroCentredPrior: means and se2 differ in length");
  }
  ZeroCentredPriorEstimator estimator;
  for (size_t i = 0; i < means.size(); ++i) {
    if (!std::isfinite(means[i])) {
      return absl::InvalidArgumentError("EstimateZeroCentredPrior: a mean is not finite");
    }
    if (!Informative(se2[i])) {
      return absl::InvalidArgumentError(
          "EstimateZeroCentredPrior: an se2 is negative, NaN or infinite");
    }
    estimator.AddUnit(means[i], se2[i]);
  }
  return estimator.Finish();
}

double ShrinkageFactor(const Prior& prior, double se2) {
  if (!(prior.tau2 > 0.0) || !Informative(se2)) return 0.0;
  return prior.tau2 / (prior.tau2 + se2);
}

double ShrunkMean(const Prior& prior, double m, double se2) {
  const double b = ShrinkageFactor(prior, se2);
  return b == 0.0 ? 0.0 : b * m;
}

double PosteriorSd(const Prior& prior, double se2) {
  if (!(prior.tau2 > 0.0)) return 0.0;
  if (!Informative(se2)) return std::sqrt(prior.tau2);
  return std::sqrt(prior.tau2 * se2 / (prior.tau2 + se2));
}

}  // namespace coattail::stats
