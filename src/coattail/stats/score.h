// The per-wallet alpha score: the one function the engine calls once per scoring pass.
//
// For every wallet it takes the decayed moments of the wallet's market-adjusted forward returns and
// returns the raw t-statistic, a one-sided Student-t p-value for "alpha > 0", the
// Benjamini-Hochberg q-value across all eligible wallets, the empirical-Bayes alpha shrunk towards
// zero, the hit rate with its Wilson lower bound, and the smart-money verdict. docs/SCORING.md has
// every formula.
#ifndef COATTAIL_STATS_SCORE_H_
#define COATTAIL_STATS_SCORE_H_

#include <span>
#include <vector>

#include "coattail/stats/decayed_moments.h"
#include "coattail/stats/wilson.h"

namespace coattail::stats {

// What ScoreWallets needs from one wallet's DecayedMoments (see MomentsView).
struct WalletMomentsView {
  double mean = 0.0;         // weighted mean forward return
  double std_error = 0.0;    // standard error of that mean
  double effective_n = 0.0;  // Kish effective number of observations
  double hit_weight = 0.0;   // decayed weight of returns > 0
  double weight = 0.0;       // decayed weight of all returns, at the same time as hit_weight
};
struct ScoreOptions {
  double min_resolved = 30.0;  // minimum effective_n to be tested at all
  double q_threshold = 0.05;   // BH false-discovery rate for the smart-money gate
  double wilson_z = kDefaultWilsonZ;
};

struct WalletScore {
  double shrunk_alpha = 0.0;    // posterior mean of alpha under the zero-centred prior
  double t_stat = 0.0;          // mean / std_error, unshrunk; 0 when std_error is not > 0
  double p_value = 1.0;         // one-sided P(T > t), df = effective_n - 1; 1 when ineligible
  double q_value = 1.0;         // BH-adjusted p across eligible wallets; 1 when ineligible
  double hit_rate = 0.0;        // hit_weight / weight
  double hit_rate_lower = 0.0;  // Wilson lower bound, trials = effective_n
  double effective_n = 0.0;
  bool eligible = false;
  bool smart_money = false;
};

WalletMomentsView MomentsView(const DecayedMoments& moments);

// effective_n >= min_resolved, effective_n > 1, finite mean, std_error > 0 with a finite square.
bool IsEligible(const WalletMomentsView& wallet, const ScoreOptions& options);

// Scores every wallet; results are in input order. Deterministic, O(n log n) (the BH sort).
//  * t = mean / std_error; p = StudentTSf(t, effective_n - 1) for eligible wallets (H0: alpha <=
//  0).
//  * q = BH over the eligible wallets only; ineligible wallets get p = q = 1.
//  * The zero-centred prior is estimated from the eligible wallets; every wallet (ineligible too)
//    is shrunk with it. A wallet without a usable standard error (not finite and > 0) carries no
//    information about its alpha and gets shrunk_alpha = 0.
//  * hit_rate_lower = Wilson lower bound at hit_rate over effective_n trials (Kish: decayed weights
//    carry the information of effective_n equally weighted observations, not of `weight`).
//  * smart_money = eligible && q <= q_threshold && shrunk_alpha > 0.
std::vector<WalletScore> ScoreWallets(std::span<const WalletMomentsView> wallets,
                                      const ScoreOptions& options = {});

// The last Student-t tail probability computed at one input position. A caller that scores the
// same wallets again and again (the engine, every event-hour) keeps one per position: most
// wallets' moments have not changed since the last time, and the p-value, a pure function of
// (t, df), is the costly part of scoring. A slot whose wallet changed simply misses.
struct PValueMemo {
  double t = 0.0;
  double df = -1.0;  // never a valid df: an empty slot misses
  double p = 1.0;
};

// ScoreWallets with a memo of p-values, one slot per wallet (resized to fit). Results are
// bit-identical to ScoreWallets(wallets, options).
std::vector<WalletScore> ScoreWallets(std::span<const WalletMomentsView> wallets,
                                      const ScoreOptions& options, std::vector<PValueMemo>& memo);

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_SCORE_H_
