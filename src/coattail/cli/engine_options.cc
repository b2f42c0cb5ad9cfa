#include "coattail/cli/engine_options.h"

#include <cstdint>
#include <string_view>

#include "absl/strings/str_split.h"
#include "coattail/base/format.h"
#include "coattail/base/status_macros.h"
#include "coattail/base/strings.h"

namespace coattail::cli {

void EngineFlags::Register(CLI::App* app, engine::EngineConfig& c) {
  app->add_option("--benchmark", c.benchmark, "Benchmark token for market adjustment")
      ->default_val(c.benchmark);
  app->add_option("--horizons", horizons, "Forward-return horizons, comma separated")
      ->default_val(horizons);
  app->add_option("--primary-horizon", c.primary_horizon,
                  "Index of the horizon used to rank and gate (0 = first)")
      ->default_val(c.primary_horizon);
  app->add_option("--lateness", lateness, "Reorder window; older events are rejected as late")
      ->default_val(lateness);
  app->add_option("--dedup-window", dedup_window,
                  "How long trade keys are remembered for duplicates and retractions")
      ->default_val(dedup_window);
  app->add_option("--half-life", half_life, "Decay half-life of return statistics (0 = off)")
      ->default_val(half_life);
  app->add_option("--score-interval", score_interval,
                  "Event-time cadence of the smart-money snapshot used by alerts")
      ->default_val(score_interval);
  app->add_option("--min-resolved", c.min_resolved,
                  "Resolved evaluations needed before a wallet is tested")
      ->default_val(c.min_resolved);
  app->add_option("--q", c.q_threshold, "Benjamini-Hochberg FDR level of the smart-money gate")
      ->default_val(c.q_threshold);
  app->add_option("--alert-min-usd", c.alert_min_usd, "Smallest trade that raises an alert")
      ->default_val(c.alert_min_usd);
  app->add_option("--alert-rate-limit", c.alert_rate_limit, "Alerts per wallet per hour at most")
      ->default_val(c.alert_rate_limit);
}

absl::Status EngineFlags::Apply(engine::EngineConfig& c) const {
  c.horizons_ms.clear();
  for (absl::string_view part : absl::StrSplit(horizons, ',', absl::SkipWhitespace())) {
    ASSIGN_OR_RETURN(const int64_t ms, base::ParseDurationMs(base::ToStd(part)));
    c.horizons_ms.push_back(ms);
  }
  ASSIGN_OR_RETURN(c.lateness_ms, base::ParseDurationMs(lateness));
  ASSIGN_OR_RETURN(c.dedup_window_ms, base::ParseDurationMs(dedup_window));
  ASSIGN_OR_RETURN(const int64_t half_life_ms, base::ParseDurationMs(half_life));
  c.half_life_ms = static_cast<double>(half_life_ms);
  ASSIGN_OR_RETURN(c.score_interval_ms, base::ParseDurationMs(score_interval));
  return c.Validate();
}

void AddSimOptions(CLI::App* app, sim::SimConfig& c) {
  app->add_option("--seed", c.seed, "Random seed")->default_val(c.seed);
  app->add_option("--days", c.days, "Days of market to simulate")->default_val(c.days);
  app->add_option("--tokens", c.tokens, "Tokens besides the benchmark")->default_val(c.tokens);
  app->add_option("--price-interval-ms", c.price_interval_ms, "Price tick interval")
      ->default_val(c.price_interval_ms);
  app->add_option("--informed", c.informed, "Informed whales (real edge)")->default_val(c.informed);
  app->add_option("--informed-accuracy", c.informed_accuracy,
                  "Probability an informed trade has the right direction")
      ->default_val(c.informed_accuracy);
  app->add_option("--noise", c.noise, "Noise whales")->default_val(c.noise);
  app->add_option("--active-noise", c.active_noise, "Very active noise whales")
      ->default_val(c.active_noise);
  app->add_option("--lucky-noise", c.lucky_noise, "Noise whales with a lucky streak")
      ->default_val(c.lucky_noise);
  app->add_option("--bots", c.bots, "MEV / market-making bots")->default_val(c.bots);
  app->add_option("--exchanges", c.exchanges, "Exchange hot wallets")->default_val(c.exchanges);
  app->add_option("--wash", c.wash, "Wash traders")->default_val(c.wash);
  app->add_option("--activity", c.activity, "Multiplier of every trade rate")
      ->default_val(c.activity);
  app->add_option("--max-disorder-ms", c.max_disorder_ms, "Max lateness of emitted trades")
      ->default_val(c.max_disorder_ms);
  app->add_option("--malformed", c.malformed, "Inject this many malformed lines")
      ->default_val(c.malformed);
  app->add_option("--duplicates", c.duplicates, "Inject this many duplicate trades")
      ->default_val(c.duplicates);
  app->add_option("--retractions", c.retractions, "Inject this many reorg retractions")
      ->default_val(c.retractions);
}

}  // namespace coattail::cli
