#include "coattail/stats/score.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "coattail/stats/decayed_moments.h"
#include "coattail/stats/distributions.h"
#include "coattail/stats/fdr.h"
#include "coattail/stats/shrinkage.h"
#include "coattail/stats/wilson.h"

namespace coattail::stats {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A standard error we can use: finite mean, se > 0 and se^2 finite (an overflowing se^2 would
// enter the prior's moment sum as -infinity and zero everyone's tau^2).
bool UsableStdError(const WalletMomentsView& wallet) {
  return std::isfinite(wallet.mean) && wallet.std_error > 0.0 &&
         std::isfinite(wallet.std_error * wallet.std_error);
}

}  // namespace

WalletMomentsView MomentsView(const DecayedMoments& moments) {
  return WalletMomentsView{moments.mean(), moments.std_error(), moments.effective_n(),
                           moments.hit_weight(), moments.weight()};
}

bool IsEligible(const WalletMomentsView& wallet, const ScoreOptions& options) {
  return UsableStdError(wallet) && wallet.effective_n > 1.0 &&
         wallet.effective_n >= options.min_resolved;
}

std::vector<WalletScore> ScoreWallets(std::span<const WalletMomentsView> wallets,
                                      const ScoreOptions& options) {
  std::vector<PValueMemo> memo;
  return ScoreWallets(wallets, options, memo);
}

std::vector<WalletScore> ScoreWallets(std::span<const WalletMomentsView> wallets,
                                      const ScoreOptions& options, std::vector<PValueMemo>& memo) {
  memo.resize(wallets.size());
  std::vector<WalletScore> scores(wallets.size());
  std::vector<double> eligible_p;
  std::vector<size_t> eligible_index;
  ZeroCentredPriorEstimator prior_estimator;
  for (size_t i = 0; i < wallets.size(); ++i) {
    const WalletMomentsView& wallet = wallets[i];
    WalletScore& score = scores[i];
    score.effective_n = wallet.effective_n;
    if (UsableStdError(wallet)) score.t_stat = wallet.mean / wallet.std_error;
    if (wallet.weight > 0.0) score.hit_rate = std::min(1.0, wallet.hit_weight / wallet.weight);
    score.hit_rate_lower = WilsonScoreInterval(score.hit_rate * wallet.effective_n,
                                               wallet.effective_n, options.wilson_z)
                               .lower;
    score.eligible = IsEligible(wallet, options);
    if (score.eligible) {
      const double df = wallet.effective_n - 1.0;
      PValueMemo& slot = memo[i];
      // Compared bit for bit: -0.0 == 0.0, but the function need not give them the same bits.
      if (std::bit_cast<uint64_t>(slot.t) != std::bit_cast<uint64_t>(score.t_stat) ||
          std::bit_cast<uint64_t>(slot.df) != std::bit_cast<uint64_t>(df)) {
        slot = {score.t_stat, df, StudentTSf(score.t_stat, df)};
      }
      score.p_value = slot.p;
      eligible_p.push_back(score.p_value);
      eligible_index.push_back(i);
      prior_estimator.AddUnit(wallet.mean, wallet.std_error * wallet.std_error);
    }
  }
  const std::vector<double> q = BenjaminiHochbergQValues(eligible_p);
  for (size_t j = 0; j < eligible_index.size(); ++j) scores[eligible_index[j]].q_value = q[j];

  const Prior prior = prior_estimator.Finish();
  for (size_t i = 0; i < wallets.size(); ++i) {
    const WalletMomentsView& wallet = wallets[i];
    WalletScore& score = scores[i];
    const double se2 = UsableStdError(wallet) ? wallet.std_error * wallet.std_error : kInfinity;
    score.shrunk_alpha = ShrunkMean(prior, wallet.mean, se2);
    score.smart_money =
        score.eligible && score.q_value <= options.q_threshold && score.shrunk_alpha > 0.0;
  }
  return scores;
}

}  // namespace coattail::stats
