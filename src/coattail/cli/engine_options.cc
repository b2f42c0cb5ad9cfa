#include "coattail/cli/engine_options.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_split.h"
#include "coattail/base/format.h"
#include "coattail/base/status_macros.h"
#include "coattail/base/strings.h"

namespace coattail::cli {
namespace {

// An option whose help shows the value it has before parsing as its default.
template <typename T>
void AddDefaulted(CLI::App* app, const std::string& name, T& value, const std::string& help) {
  app->add_option(name, value, help)->default_val(value);
}

}  // namespace

void EngineFlags::Register(CLI::App* app, engine::EngineConfig& c) {
  AddDefaulted(app, "--benchmark", c.benchmark, "Benchmark token for market adjustment");
  AddDefaulted(app, "--horizons", horizons, "Forward-return horizons, comma separated");
  AddDefaulted(app, "--primary-horizon", c.primary_horizon,
               "Index of the horizon used to rank and gate (0 = first)");
  AddDefaulted(app, "--lateness", lateness, "Reorder window; older events are rejected as late");
  AddDefaulted(app, "--dedup-window", dedup_window,
               "How long trade keys are remembered for duplicates and retractions");
  AddDefaulted(app, "--half-life", half_life, "Decay half-life of return statistics (0 = off)");
  AddDefaulted(app, "--score-interval", score_interval,
               "Event-time cadence of the smart-money snapshot used by alerts");
  AddDefaulted(app, "--min-resolved", c.min_resolved,
               "Resolved evaluations needed before a wallet is tested");
  AddDefaulted(app, "--q", c.q_threshold, "Benjamini-Hochberg FDR level of the smart-money gate");
  AddDefaulted(app, "--alert-min-usd", c.alert_min_usd, "Smallest trade that raises an alert");
  AddDefaulted(app, "--alert-rate-limit", c.alert_rate_limit, "Alerts per wallet per hour at most");
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
  AddDefaulted(app, "--seed", c.seed, "Random seed");
  AddDefaulted(app, "--days", c.days, "Days of market to simulate");
  AddDefaulted(app, "--tokens", c.tokens, "Tokens besides the benchmark");
  AddDefaulted(app, "--price-interval-ms", c.price_interval_ms, "Price tick interval");
  AddDefaulted(app, "--informed", c.informed, "Informed whales (real edge)");
  AddDefaulted(app, "--informed-accuracy", c.informed_accuracy,
               "Probability an informed trade has the right direction");
  AddDefaulted(app, "--noise", c.noise, "Noise whales");
  AddDefaulted(app, "--active-noise", c.active_noise, "Very active noise whales");
  AddDefaulted(app, "--lucky-noise", c.lucky_noise, "Noise whales with a lucky streak");
  AddDefaulted(app, "--bots", c.bots, "MEV / market-making bots");
  AddDefaulted(app, "--exchanges", c.exchanges, "Exchange hot wallets");
  AddDefaulted(app, "--wash", c.wash, "Wash traders");
  AddDefaulted(app, "--activity", c.activity, "Multiplier of every trade rate");
  AddDefaulted(app, "--max-disorder-ms", c.max_disorder_ms, "Max lateness of emitted trades");
  AddDefaulted(app, "--malformed", c.malformed, "Inject this many malformed lines");
  AddDefaulted(app, "--duplicates", c.duplicates, "Inject this many duplicate trades");
  AddDefaulted(app, "--retractions", c.retractions, "Inject this many reorg retractions");
}

}  // namespace coattail::cli
