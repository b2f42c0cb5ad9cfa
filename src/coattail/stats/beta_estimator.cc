#include "coattail/stats/beta_estimator.h"

#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/base/byte_codec.h"

namespace coattail::stats {
namespace {

constexpr uint8_t kTag = 'B';
constexpr uint8_t kVersion = 1;

}  // namespace

BetaEstimator::BetaEstimator(double prior_strength) : prior_strength_(prior_strength) {
  assert(prior_strength >= 0.0 && std::isfinite(prior_strength));
}

absl::Status BetaEstimator::Add(double bench_log_return, double token_log_return) {
  if (!std::isfinite(bench_log_return) || !std::isfinite(token_log_return)) {
    return absl::InvalidArgumentError("BetaEstimator::Add: log return is not finite");
  }
  const double sxx = sxx_ + bench_log_return * bench_log_return;
  const double sxy = sxy_ + bench_log_return * token_log_return;
  // Keeps the invariant that every state is finite, so every state can be checkpointed and read.
  if (!std::isfinite(sxx) || !std::isfinite(sxy)) {
    return absl::InvalidArgumentError("BetaEstimator::Add: sums overflow");
  }
  ++n_;
  sxx_ = sxx;
  sxy_ = sxy;
  return absl::OkStatus();
}

double BetaEstimator::beta() const {
  if (n_ == 0 || sxx_ == 0.0) return 1.0;
  const double prior_xx = prior_strength_ * (sxx_ / static_cast<double>(n_));
  return (sxy_ + prior_xx) / (sxx_ + prior_xx);
}

void BetaEstimator::AppendTo(std::string& out) const {
  base::AppendU8(out, kTag);
  base::AppendU8(out, kVersion);
  base::AppendF64(out, prior_strength_);
  base::AppendI64(out, n_);
  base::AppendF64(out, sxx_);
  base::AppendF64(out, sxy_);
}

absl::StatusOr<BetaEstimator> BetaEstimator::ReadFrom(std::string_view& in) {
  std::string_view cursor = in;
  uint8_t tag = 0;
  uint8_t version = 0;
  double prior_strength = 0.0;
  int64_t n = 0;
  double sxx = 0.0;
  double sxy = 0.0;
  if (!base::ReadU8(cursor, tag) || !base::ReadU8(cursor, version) ||
      !base::ReadF64(cursor, prior_strength) || !base::ReadI64(cursor, n) ||
      !base::ReadF64(cursor, sxx) || !base::ReadF64(cursor, sxy)) {
    return absl::DataLossError("BetaEstimator: truncated record");
  }
  if (tag != kTag || version != kVersion) {
    return absl::DataLossError("BetaEstimator: not a version-1 BetaEstimator record");
  }
  if (!(prior_strength >= 0.0) || !std::isfinite(prior_strength) || n < 0 || !(sxx >= 0.0) ||
      !std::isfinite(sxx) || !std::isfinite(sxy) || (n == 0 && (sxx != 0.0 || sxy != 0.0))) {
    return absl::DataLossError("BetaEstimator: record holds an impossible state");
  }
  BetaEstimator result(prior_strength);
  result.n_ = n;
  result.sxx_ = sxx;
  result.sxy_ = sxy;
  in = cursor;
  return result;
}

}  // namespace coattail::stats
