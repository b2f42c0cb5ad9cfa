#include "coattail/stats/decayed_moments.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/base/byte_codec.h"

namespace coattail::stats {
namespace {

constexpr uint8_t kTag = 'M';
constexpr uint8_t kVersion = 1;

// New anchor-frame weights stay below 2^(kRebaseHalfLives + 1); squares and sums of them are then
// nowhere near overflow.
constexpr int64_t kRebaseHalfLives = 64;
// A rebase forgets the state when it weighs less than this relative to a new observation: the new
// observation's weight (>= 1) would absorb it in rounding anyway.
constexpr double kForgetBelow = 0x1p-64;
// A Remove that leaves less than this share of the weight it started from drops the residual.
constexpr double kResidualFloor = 0x1p-30;
// Tolerance for "the weight to remove exceeds the weight held" (rounding in the sums).
constexpr double kRemoveSlack = 1e-9;
// Every time in the state lies within this bound: inputs are within kMaxAbsTimeMs, and the clock
// may be advanced past that by 1 ms per dropped residual.
constexpr int64_t kStateTimeLimit = int64_t{1} << 62;
// ldexp exponents beyond this give 0 (or overflow) for any value we hold.
constexpr int64_t kMaxExponent = 4096;

bool InputTimeOk(int64_t t) {
  return t >= -DecayedMoments::kMaxAbsTimeMs && t <= DecayedMoments::kMaxAbsTimeMs;
}

// Floor division and the matching non-negative remainder, for divisor > 0.
struct QuotRem {
  int64_t quot;
  int64_t rem;
};
QuotRem FloorDivMod(int64_t value, int64_t divisor) {
  QuotRem result{value / divisor, value % divisor};
  if (result.rem < 0) {
    result.rem += divisor;
    --result.quot;
  }
  return result;
}

int ClampExponent(int64_t e) {
  return static_cast<int>(std::clamp(e, -kMaxExponent, kMaxExponent));
}

}  // namespace

DecayedMoments::DecayedMoments(double half_life_ms) {
  if (half_life_ms > 0.0 && std::isfinite(half_life_ms)) {
    const double limited = std::min(half_life_ms, static_cast<double>(kMaxAbsTimeMs));
    half_life_ms_ = std::max<int64_t>(1, std::llround(limited));
  }
}

double DecayedMoments::AnchorWeight(int64_t t_ms) const { return WeightFrom(anchor_ms_, t_ms); }

double DecayedMoments::WeightFrom(int64_t anchor_ms, int64_t t_ms) const {
  if (!decays()) return 1.0;
  const QuotRem qr = FloorDivMod(t_ms - anchor_ms, half_life_ms_);
  const double fraction = static_cast<double>(qr.rem) / static_cast<double>(half_life_ms_);
  return std::ldexp(std::exp2(fraction), ClampExponent(qr.quot));
}

double DecayedMoments::DecayFromAnchor(double value, int64_t t_ms) const {
  if (!decays()) return value;
  const QuotRem qr = FloorDivMod(t_ms - anchor_ms_, half_life_ms_);
  const double fraction = static_cast<double>(qr.rem) / static_cast<double>(half_life_ms_);
  return std::ldexp(value * std::exp2(-fraction), ClampExponent(-qr.quot));
}

void DecayedMoments::ClearSums() {
  count_ = 0;
  weight_sum_ = 0.0;
  weight_sq_sum_ = 0.0;
  mean_ = 0.0;
  m2_ = 0.0;
  hit_sum_ = 0.0;
}

void DecayedMoments::Rebase(int64_t half_lives, int64_t t_ms) {
  anchor_ms_ += half_lives * half_life_ms_;
  const int e = ClampExponent(half_lives);
  weight_sum_ = std::ldexp(weight_sum_, -e);
  weight_sq_sum_ = std::ldexp(weight_sq_sum_, -2 * e);
  m2_ = std::ldexp(m2_, -e);
  hit_sum_ = std::ldexp(hit_sum_, -e);
  if (weight_sum_ < kForgetBelow) {
    ClearSums();
    forget_before_ms_ = t_ms;
    anchor_ms_ = t_ms;
  }
}

absl::StatusOr<int64_t> DecayedMoments::Add(double x, int64_t t_ms) {
  if (!std::isfinite(x)) return absl::InvalidArgumentError("DecayedMoments::Add: x is not finite");
  if (!InputTimeOk(t_ms)) {
    return absl::InvalidArgumentError("DecayedMoments::Add: time out of range");
  }
  const int64_t t = has_time_ ? std::max(t_ms, last_ms_) : t_ms;
  if (count_ != 0 && decays()) {
    const int64_t half_lives = FloorDivMod(t - anchor_ms_, half_life_ms_).quot;
    if (half_lives > kRebaseHalfLives) {
      // Rare: the rebase rescales every sum, so it is done on a copy, committed only if the
      // observation can be added to it.
      DecayedMoments next = *this;
      next.Rebase(half_lives, t);
      absl::StatusOr<int64_t> used = next.Accumulate(x, t, /*reanchor=*/false);
      if (used.ok()) *this = next;
      return used;
    }
  }
  // Nothing held: re-anchor at the new observation, there is nothing to rescale.
  return Accumulate(x, t, /*reanchor=*/count_ == 0);
}

absl::StatusOr<int64_t> DecayedMoments::Accumulate(double x, int64_t t, bool reanchor) {
  // Computed in locals and committed only when every sum stays finite, so that a failed Add leaves
  // the state untouched without copying all of it first.
  const int64_t anchor = reanchor ? t : anchor_ms_;
  const double u = WeightFrom(anchor, t);
  const double total = weight_sum_ + u;
  const double delta = x - mean_;
  const double mean = mean_ + delta * (u / total);
  const double m2 = m2_ + u * delta * (x - mean);
  const double weight_sq_sum = weight_sq_sum_ + u * u;
  if (!std::isfinite(m2) || !std::isfinite(mean) || !std::isfinite(weight_sq_sum)) {
    return absl::InvalidArgumentError("DecayedMoments::Add: sums overflow");
  }
  has_time_ = true;
  last_ms_ = t;
  anchor_ms_ = anchor;
  mean_ = mean;
  m2_ = m2;
  weight_sum_ = total;
  weight_sq_sum_ = weight_sq_sum;
  if (x > 0.0) hit_sum_ += u;
  ++count_;
  return t;
}

absl::Status DecayedMoments::Remove(double x, int64_t t_added_ms) {
  if (!std::isfinite(x)) {
    return absl::InvalidArgumentError("DecayedMoments::Remove: x is not finite");
  }
  if (!InputTimeOk(t_added_ms) || !has_time_ || t_added_ms > last_ms_) {
    return absl::InvalidArgumentError(
        "DecayedMoments::Remove: time is out of range or later than the latest Add");
  }
  if (t_added_ms < forget_before_ms_) return absl::OkStatus();  // already forgotten
  if (count_ == 0) {
    return absl::FailedPreconditionError("DecayedMoments::Remove: no observation is held");
  }
  const double u = AnchorWeight(t_added_ms);
  if (u > weight_sum_ * (1.0 + kRemoveSlack)) {
    return absl::FailedPreconditionError(
        "DecayedMoments::Remove: the observation weighs more than everything held");
  }
  if (count_ == 1) {
    ClearSums();  // exactly empty, rather than whatever rounding leaves
    return absl::OkStatus();
  }
  const double total = weight_sum_ - u;
  if (!(total > weight_sum_ * kResidualFloor)) {
    ClearSums();
    ++last_ms_;
    forget_before_ms_ = last_ms_;
    anchor_ms_ = last_ms_;
    return absl::OkStatus();
  }
  // West's update run backwards: Add computed mean' = mean + (u/W')(x - mean) and
  // M2' = M2 + u (x - mean)(x - mean'), with W' = W + u.
  const double mean = mean_ - (x - mean_) * (u / total);
  m2_ = std::max(0.0, m2_ - u * (x - mean) * (x - mean_));
  mean_ = mean;
  weight_sum_ = total;
  weight_sq_sum_ = std::max(0.0, weight_sq_sum_ - u * u);
  if (x > 0.0) hit_sum_ = std::max(0.0, hit_sum_ - u);
  --count_;
  return absl::OkStatus();
}

double DecayedMoments::WeightAt(int64_t t_ms) const {
  if (count_ == 0) return 0.0;
  return DecayFromAnchor(weight_sum_, std::clamp(t_ms, last_ms_, kStateTimeLimit));
}

double DecayedMoments::hit_weight() const {
  if (count_ == 0) return 0.0;
  return DecayFromAnchor(hit_sum_, last_ms_);
}

double DecayedMoments::hit_rate() const {
  if (count_ == 0) return 0.0;
  return std::min(1.0, hit_sum_ / weight_sum_);
}

double DecayedMoments::effective_n() const {
  if (count_ == 0) return 0.0;
  const auto n = static_cast<double>(count_);
  if (!decays()) return n;
  // Only reachable through catastrophic rounding in Remove; claim the least evidence.
  if (!(weight_sq_sum_ > 0.0)) return 1.0;
  return std::clamp(weight_sum_ * weight_sum_ / weight_sq_sum_, 1.0, n);
}

double DecayedMoments::mean() const { return count_ == 0 ? 0.0 : mean_; }

double DecayedMoments::variance() const {
  if (effective_n() <= 1.0) return 0.0;
  const double denominator = weight_sum_ - weight_sq_sum_ / weight_sum_;
  return denominator > 0.0 ? m2_ / denominator : 0.0;
}

double DecayedMoments::std_error() const {
  const double var = variance();
  return var > 0.0 ? std::sqrt(var / effective_n()) : 0.0;
}

void DecayedMoments::AppendTo(std::string& out) const {
  base::AppendU8(out, kTag);
  base::AppendU8(out, kVersion);
  base::AppendU8(out, has_time_ ? 1 : 0);
  base::AppendI64(out, half_life_ms_);
  base::AppendI64(out, anchor_ms_);
  base::AppendI64(out, last_ms_);
  base::AppendI64(out, forget_before_ms_);
  base::AppendI64(out, count_);
  base::AppendF64(out, weight_sum_);
  base::AppendF64(out, weight_sq_sum_);
  base::AppendF64(out, mean_);
  base::AppendF64(out, m2_);
  base::AppendF64(out, hit_sum_);
}

absl::StatusOr<DecayedMoments> DecayedMoments::ReadFrom(std::string_view& in) {
  std::string_view cursor = in;
  uint8_t tag = 0;
  uint8_t version = 0;
  uint8_t has_time = 0;
  DecayedMoments m;
  if (!base::ReadU8(cursor, tag) || !base::ReadU8(cursor, version) ||
      !base::ReadU8(cursor, has_time) || !base::ReadI64(cursor, m.half_life_ms_) ||
      !base::ReadI64(cursor, m.anchor_ms_) || !base::ReadI64(cursor, m.last_ms_) ||
      !base::ReadI64(cursor, m.forget_before_ms_) || !base::ReadI64(cursor, m.count_) ||
      !base::ReadF64(cursor, m.weight_sum_) || !base::ReadF64(cursor, m.weight_sq_sum_) ||
      !base::ReadF64(cursor, m.mean_) || !base::ReadF64(cursor, m.m2_) ||
      !base::ReadF64(cursor, m.hit_sum_)) {
    return absl::DataLossError("DecayedMoments: truncated record");
  }
  if (tag != kTag || version != kVersion) {
    return absl::DataLossError("DecayedMoments: not a version-1 DecayedMoments record");
  }
  m.has_time_ = has_time == 1;
  const auto time_ok = [](int64_t t) { return t >= -kMaxAbsTimeMs && t <= kStateTimeLimit; };
  const auto sum_ok = [](double v) { return v >= 0.0 && std::isfinite(v); };
  const bool valid = has_time <= 1 && m.half_life_ms_ >= 0 && m.half_life_ms_ <= kMaxAbsTimeMs &&
                     time_ok(m.anchor_ms_) && time_ok(m.last_ms_) && time_ok(m.forget_before_ms_) &&
                     m.anchor_ms_ <= m.last_ms_ && m.forget_before_ms_ <= m.last_ms_ &&
                     m.count_ >= 0 && (m.has_time_ || m.count_ == 0) && sum_ok(m.weight_sum_) &&
                     sum_ok(m.weight_sq_sum_) && sum_ok(m.m2_) && sum_ok(m.hit_sum_) &&
                     std::isfinite(m.mean_) &&
                     (m.count_ > 0 ? m.weight_sum_ > 0.0
                                   : m.weight_sum_ == 0.0 && m.weight_sq_sum_ == 0.0 &&
                                         m.mean_ == 0.0 && m.m2_ == 0.0 && m.hit_sum_ == 0.0);
  if (!valid) return absl::DataLossError("DecayedMoments: record holds an impossible state");
  in = cursor;
  return m;
}

}  // namespace coattail::stats
