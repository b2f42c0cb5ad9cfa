#include "coattail/sim/market.h"

#include <algorithm>
#include <cmath>

#include "coattail/sim/decimal.h"
#include "coattail/sim/det_math.h"
#include "coattail/sim/random.h"
#include "coattail/sim/streams.h"

namespace coattail::sim {
namespace {

constexpr double kYearMs = 365.25 * 86400000.0;
constexpr double kBenchmarkStart = 3000.0;
constexpr double kBenchmarkVol = 0.60;
constexpr double kJumpsPerDay = 0.5;

struct TokenState {
  double log_p0;
  double beta;
  double drift_step;  // (mu - sigma^2 / 2) * dt
  double vol_step;    // sigma * sqrt(dt)
  double jump_sd;
  double idio;          // I_T(t)
  double next_jump_ms;  // relative to the start
  double mean_jump_gap_ms;
};

}  // namespace

Market::Market(const SimConfig& config)
    : start_ms_(config.start_time_ms),
      interval_ms_(config.price_interval_ms),
      num_ticks_(static_cast<int64_t>(config.days) * 86400000 / config.price_interval_ms + 1),
      num_assets_(config.tokens + 1) {
  const double dt = static_cast<double>(interval_ms_) / kYearMs;
  const double sqrt_dt = std::sqrt(dt);
  symbols_.reserve(static_cast<size_t>(num_assets_));
  symbols_.push_back(config.benchmark);
  betas_.push_back(1.0);
  jump_sds_.push_back(0.0);

  std::vector<TokenState> tokens;
  std::vector<Rng> path_rngs;
  tokens.reserve(static_cast<size_t>(config.tokens));
  path_rngs.reserve(static_cast<size_t>(config.tokens));
  for (int i = 1; i <= config.tokens; ++i) {
    Rng params = Rng::ForStream(config.seed, kStreamTokenParams, static_cast<uint64_t>(i));
    TokenState t{};
    t.beta = RoundDecimal(params.Uniform(0.5, 2.0), 4);
    t.log_p0 = DetLog(RoundDecimal(params.LogUniform(1e-4, 1e3), kPriceDigits));
    const double vol = params.Uniform(0.6, 1.5);
    const double drift = 0.3 * params.Normal();
    t.jump_sd = params.Uniform(0.06, 0.10);
    t.drift_step = (drift - 0.5 * vol * vol) * dt;
    t.vol_step = vol * sqrt_dt;
    t.idio = 0.0;
    t.mean_jump_gap_ms = 86400000.0 / kJumpsPerDay;
    path_rngs.push_back(Rng::ForStream(config.seed, kStreamTokenPath, static_cast<uint64_t>(i)));
    t.next_jump_ms = path_rngs.back().Exponential() * t.mean_jump_gap_ms;
    tokens.push_back(t);
    symbols_.push_back(TokenSymbol(i));
    betas_.push_back(t.beta);
    jump_sds_.push_back(t.jump_sd);
  }

  prices_.resize(static_cast<size_t>(num_ticks_ * num_assets_));
  Rng benchmark_rng = Rng::ForStream(config.seed, kStreamBenchmarkPath, 0);
  const double log_b0 = DetLog(kBenchmarkStart);
  double log_b = log_b0;
  const double b_drift_step = -0.5 * kBenchmarkVol * kBenchmarkVol * dt;
  const double b_vol_step = kBenchmarkVol * sqrt_dt;
  for (int64_t k = 0; k < num_ticks_; ++k) {
    double* row = prices_.data() + static_cast<size_t>(k * num_assets_);
    const double elapsed_ms = static_cast<double>(k * interval_ms_);
    if (k > 0) log_b += b_drift_step + b_vol_step * benchmark_rng.Normal();
    const double market = log_b - log_b0;
    row[0] = RoundDecimal(DetExp(log_b), kPriceDigits);
    for (size_t i = 0; i < tokens.size(); ++i) {
      TokenState& t = tokens[i];
      Rng& rng = path_rngs[i];
      if (k > 0) {
        t.idio += t.drift_step + t.vol_step * rng.Normal();
        while (t.next_jump_ms <= elapsed_ms) {
          const double size = t.jump_sd * rng.Normal();
          t.idio += size;
          jumps_.push_back(PriceJump{static_cast<int>(i) + 1, k, size});
          t.next_jump_ms += rng.Exponential() * t.mean_jump_gap_ms;
        }
      }
      row[i + 1] = RoundDecimal(DetExp(t.log_p0 + t.beta * market + t.idio), kPriceDigits);
    }
  }
  // Jumps were recorded tick by tick; order them by (asset, tick) for readers that scan per token.
  std::stable_sort(jumps_.begin(), jumps_.end(), [](const PriceJump& a, const PriceJump& b) {
    return a.asset != b.asset ? a.asset < b.asset : a.tick < b.tick;
  });
}

int64_t Market::TickAt(int64_t time_ms) const {
  if (time_ms <= start_ms_) return 0;
  return std::min((time_ms - start_ms_) / interval_ms_, num_ticks_ - 1);
}

double Market::RawMove(int asset, int64_t time_ms, int64_t horizon_ms) const {
  const int64_t k0 = TickAt(time_ms);
  const int64_t k1 = TickAt(time_ms + horizon_ms);
  return DetLog(price(k1, asset) / price(k0, asset));
}

double Market::IdiosyncraticMove(int asset, int64_t time_ms, int64_t horizon_ms) const {
  const int64_t k0 = TickAt(time_ms);
  const int64_t k1 = TickAt(time_ms + horizon_ms);
  const double raw = DetLog(price(k1, asset) / price(k0, asset));
  const double market = DetLog(price(k1, 0) / price(k0, 0));
  return raw - beta(asset) * market;
}

}  // namespace coattail::sim
