// The simulated price paths: a benchmark and `tokens` tokens driven by it, held in memory so that
// informed wallets can look ahead.
//
// Benchmark: geometric Brownian motion (annual volatility 60%, no drift, starting at $3000).
// Token T: log P_T(t) = log P_T(0) + beta_T * (log B(t) - log B(0)) + I_T(t), where the
// idiosyncratic part I_T is a Brownian motion with drift (annual drift ~N(0, 0.3), volatility
// 60-150%) plus Poisson jumps (one per two days on average, log size ~N(0, s_T), s_T in 6-10%).
// beta_T is uniform on [0.5, 2], rounded to 4 significant digits so the truth file states it
// exactly. Prices are stored rounded to the 10 significant digits they are printed with.
#ifndef COATTAIL_SIM_MARKET_H_
#define COATTAIL_SIM_MARKET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "coattail/sim/config.h"

namespace coattail::sim {

// Significant digits of every price the simulator prints.
inline constexpr int kPriceDigits = 10;

// A jump in a token's idiosyncratic log price, taking effect at `tick` (between tick - 1 and tick).
struct PriceJump {
  int asset = 0;
  int64_t tick = 0;
  double log_size = 0.0;
};

class Market {
 public:
  // `config` must have passed ValidateConfig.
  explicit Market(const SimConfig& config);

  // Asset 0 is the benchmark; assets 1..tokens are TKN01...
  int num_assets() const { return num_assets_; }
  int64_t num_ticks() const { return num_ticks_; }
  int64_t tick_time(int64_t tick) const { return start_ms_ + tick * interval_ms_; }
  int64_t last_tick_time() const { return tick_time(num_ticks_ - 1); }
  // The last tick at or before `time_ms`, clamped to the path.
  int64_t TickAt(int64_t time_ms) const;

  const std::string& symbol(int asset) const { return symbols_[static_cast<size_t>(asset)]; }
  double beta(int asset) const { return betas_[static_cast<size_t>(asset)]; }
  double price(int64_t tick, int asset) const {
    return prices_[static_cast<size_t>(tick * num_assets_ + asset)];
  }
  // Prices of all assets at `tick`, benchmark first.
  const double* tick_prices(int64_t tick) const {
    return prices_.data() + static_cast<size_t>(tick * num_assets_);
  }
  const std::vector<PriceJump>& jumps() const { return jumps_; }
  // Standard deviation of the asset's jump log sizes (0 for the benchmark).
  double jump_sd(int asset) const { return jump_sds_[static_cast<size_t>(asset)]; }

  // log(P(t + horizon) / P(t)) on tick prices (t + horizon clamped to the last tick).
  double RawMove(int asset, int64_t time_ms, int64_t horizon_ms) const;
  // RawMove minus beta times the benchmark's move: the market-neutral part the informed know.
  double IdiosyncraticMove(int asset, int64_t time_ms, int64_t horizon_ms) const;

 private:
  int64_t start_ms_;
  int64_t interval_ms_;
  int64_t num_ticks_;
  int num_assets_;
  std::vector<std::string> symbols_;
  std::vector<double> betas_;
  std::vector<double> jump_sds_;
  std::vector<double> prices_;  // tick-major: [tick * num_assets_ + asset]
  std::vector<PriceJump> jumps_;
};

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_MARKET_H_
