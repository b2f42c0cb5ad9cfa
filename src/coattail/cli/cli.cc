#include "coattail/cli/cli.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "coattail/aws/env.h"
#include "coattail/aws/kinesis.h"
#include "coattail/base/format.h"
#include "coattail/engine/engine_config.h"
#include "coattail/io/line_reader.h"
#include "coattail/pipeline/json_format.h"
#include "coattail/pipeline/runner.h"
#include "coattail/sim/config.h"
#include "coattail/sim/simulator.h"
#include "coattail/store/sqlite_store.h"
#include "coattail/stream/producer.h"
#include "simdjson.h"

namespace coattail::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Distinguishes the user's mistakes (exit 2) from environmental failures (exit 1).
int ExitCodeFor(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "coattail: error: %s\n", std::string(s.message()).c_str());
  return ExitCodeFor(s);
}

// Engine options shared by `run` and `demo`. Durations accept 500ms, 90s, 15m, 1h, 7d or plain ms.
struct EngineFlags {
  std::string horizons = "1h,24h";
  std::string lateness = "5m";
  std::string dedup_window = "24h";
  std::string half_life = "30d";
  std::string score_interval = "1h";

  void Register(CLI::App* app, engine::EngineConfig& c) {
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

  absl::Status Apply(engine::EngineConfig& c) const {
    c.horizons_ms.clear();
    for (absl::string_view part : absl::StrSplit(horizons, ',', absl::SkipWhitespace())) {
      absl::StatusOr<int64_t> ms =
          base::ParseDurationMs(std::string_view(part.data(), part.size()));
      if (!ms.ok()) return ms.status();
      c.horizons_ms.push_back(*ms);
    }
    absl::StatusOr<int64_t> v = base::ParseDurationMs(lateness);
    if (!v.ok()) return v.status();
    c.lateness_ms = *v;
    if (v = base::ParseDurationMs(dedup_window); !v.ok()) return v.status();
    c.dedup_window_ms = *v;
    if (v = base::ParseDurationMs(half_life); !v.ok()) return v.status();
    c.half_life_ms = static_cast<double>(*v);
    if (v = base::ParseDurationMs(score_interval); !v.ok()) return v.status();
    c.score_interval_ms = *v;
    return c.Validate();
  }
};

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

std::string Pct(double x) { return absl::StrFormat("%+.3f%%", x * 100); }

std::string Flags(const engine::WalletScoreRow& r) {
  std::vector<std::string> f;
  if (r.smart_money) f.emplace_back("smart");
  if (r.bot_like) f.emplace_back("bot");
  if (r.exchange_like) f.emplace_back("exchange");
  if (r.wash_like) f.emplace_back("wash");
  return f.empty() ? "-" : absl::StrJoin(f, ",");
}

void PrintScoreTable(const std::vector<engine::WalletScoreRow>& rows, bool with_rank) {
  std::printf("%s%-42s %-9s %10s %7s %9s %7s %14s %12s %s\n", with_rank ? "rank " : "", "wallet",
              "tier", "score", "t", "q", "n", "hit (lower)", "pnl", "flags");
  int rank = 0;
  for (const engine::WalletScoreRow& r : rows) {
    ++rank;
    if (with_rank) std::printf("%4d ", rank);
    std::printf("%-42s %-9s %10s %7.2f %9.2g %7.1f %6.1f%% (%4.1f%%) %12s %s\n", r.wallet.c_str(),
                r.tier.c_str(), Pct(r.shrunk_alpha).c_str(), r.t_stat, r.q_value, r.effective_n,
                r.hit_rate * 100, r.hit_rate_lower * 100,
                base::FormatUsd(r.realized_pnl_usd + r.unrealized_pnl_usd).c_str(),
                Flags(r).c_str());
  }
}

void PrintScoresJson(const std::vector<engine::WalletScoreRow>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ",\n ";
    pipeline::AppendScoreJson(out, rows[i]);
  }
  out += "]\n";
  std::fputs(out.c_str(), stdout);
}

int RunSimulate(const sim::SimConfig& config, const std::string& out, const std::string& truth) {
  if (absl::Status s = sim::ValidateConfig(config); !s.ok()) return Fail(s);
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<sim::SimStats> stats = sim::Simulate(config, out, truth);
  if (!stats.ok()) return Fail(stats.status());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(out == "-" ? stderr : stdout,
               "lines=%lld trades=%lld prices=%lld malformed=%lld duplicates=%lld "
               "retractions=%lld seconds=%.2f\nevents=%s\ntruth=%s\n",
               static_cast<long long>(stats->lines), static_cast<long long>(stats->trades),
               static_cast<long long>(stats->prices), static_cast<long long>(stats->malformed),
               static_cast<long long>(stats->duplicates),
               static_cast<long long>(stats->retractions), secs, out.c_str(), truth.c_str());
  return kExitOk;
}

int RunTop(const std::string& db, int limit, const std::string& format,
           const std::string& horizon) {
  if (limit <= 0) return Fail(absl::InvalidArgumentError("--limit must be positive"));
  std::optional<int64_t> horizon_ms;
  if (!horizon.empty()) {
    absl::StatusOr<int64_t> h = base::ParseDurationMs(horizon);
    if (!h.ok()) return Fail(h.status());
    horizon_ms = *h;
  }
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> s = store::SqliteStore::Open(db, true);
  if (!s.ok()) return Fail(s.status());
  absl::StatusOr<std::vector<engine::WalletScoreRow>> rows = (*s)->Leaderboard(limit, horizon_ms);
  if (!rows.ok()) return Fail(rows.status());
  if (format == "json") {
    PrintScoresJson(*rows);
  } else {
    PrintScoreTable(*rows, true);
  }
  return kExitOk;
}

int RunWallet(const std::string& db, const std::string& address, const std::string& format) {
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> s = store::SqliteStore::Open(db, true);
  if (!s.ok()) return Fail(s.status());
  absl::StatusOr<std::vector<engine::WalletScoreRow>> rows = (*s)->WalletScores(address);
  if (!rows.ok()) return Fail(rows.status());
  if (rows->empty()) {
    return Fail(absl::NotFoundError(absl::StrCat("no wallet ", address, " in ", db)));
  }
  absl::StatusOr<std::vector<store::StoredAlert>> alerts = (*s)->Alerts(address, 5);
  if (!alerts.ok()) return Fail(alerts.status());
  if (format == "json") {
    PrintScoresJson(*rows);
    return kExitOk;
  }
  const engine::WalletScoreRow& first = rows->front();
  std::printf(
      "wallet   %s\ntier     %s\ntrades   %lld\nvolume   %s\nrealized %s\nunrealized %s\n"
      "flags    %s\n\n",
      first.wallet.c_str(), first.tier.c_str(), static_cast<long long>(first.trade_count),
      base::FormatUsd(first.volume_usd).c_str(), base::FormatUsd(first.realized_pnl_usd).c_str(),
      base::FormatUsd(first.unrealized_pnl_usd).c_str(), Flags(first).c_str());
  std::printf("%-10s %10s %10s %7s %9s %9s %7s %14s\n", "horizon", "mean", "score", "t", "p", "q",
              "n", "hit (lower)");
  for (const engine::WalletScoreRow& r : *rows) {
    std::printf("%-10s %10s %10s %7.2f %9.2g %9.2g %7.1f %6.1f%% (%4.1f%%)\n",
                base::FormatDuration(r.horizon_ms).c_str(), Pct(r.mean_return).c_str(),
                Pct(r.shrunk_alpha).c_str(), r.t_stat, r.p_value, r.q_value, r.effective_n,
                r.hit_rate * 100, r.hit_rate_lower * 100);
  }
  std::printf("\nrecent alerts: %zu\n", alerts->size());
  for (const store::StoredAlert& a : *alerts) {
    std::printf("  %s %s %s %s%s\n", a.alert.alert_id.c_str(), a.alert.side.c_str(),
                base::FormatUsd(a.alert.usd_value).c_str(), a.alert.token.c_str(),
                a.retracted ? " (retracted)" : "");
  }
  return kExitOk;
}

// Reads the wallet lists of a simulator truth file.
absl::StatusOr<std::map<std::string, std::set<std::string>>> ReadTruth(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.load(path).get(doc); error) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read truth file ", path, ": ", simdjson::error_message(error)));
  }
  std::map<std::string, std::set<std::string>> classes;
  for (const char* key : {"informed", "noise", "lucky", "active", "bots", "exchanges", "wash"}) {
    simdjson::dom::array list;
    if (doc[key].get_array().get(list) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(absl::StrCat("truth file lacks the list '", key, "'"));
    }
    for (simdjson::dom::element e : list) {
      std::string_view v;
      if (e.get_string().get(v) == simdjson::SUCCESS) classes[key].emplace(v);
    }
  }
  return classes;
}

int RunDemo(const sim::SimConfig& sim_config, engine::EngineConfig config, const std::string& dir,
            int limit) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(absl::InvalidArgumentError(absl::StrCat("cannot create ", dir)));
  const std::string events = dir + "/events.ndjson";
  const std::string truth = dir + "/truth.json";
  const std::string db = dir + "/state.db";
  for (const std::string& stale : {db, db + "-wal", db + "-shm"}) {
    std::filesystem::remove(stale, ec);
  }

  std::printf("== Coat Tail Capital demo: riding smart money so you don't have to think ==\n\n");
  std::printf("1. Simulating %d days of a market with %d tokens (seed %llu)...\n", sim_config.days,
              sim_config.tokens, static_cast<unsigned long long>(sim_config.seed));
  absl::StatusOr<sim::SimStats> stats = sim::Simulate(sim_config, events, truth);
  if (!stats.ok()) return Fail(stats.status());
  std::printf("   %lld events (%lld trades, %lld prices) -> %s\n\n",
              static_cast<long long>(stats->lines), static_cast<long long>(stats->trades),
              static_cast<long long>(stats->prices), events.c_str());

  std::printf("2. Running the engine...\n");
  pipeline::RunOptions options;
  options.input = events;
  options.db = db;
  options.alerts_path = dir + "/alerts.ndjson";
  options.dead_letter_path = dir + "/rejected.ndjson";
  options.checkpoint_every_lines = 0;
  options.checkpoint_interval = std::chrono::milliseconds(0);
  absl::StatusOr<pipeline::RunResult> run = pipeline::RunPipeline(config, options);
  if (!run.ok()) return Fail(run.status());
  const engine::Counters& c = run->counters;
  std::printf("   lines read %lld = accepted %lld + duplicates %lld + rejected %lld\n",
              static_cast<long long>(c.lines_read), static_cast<long long>(c.accepted),
              static_cast<long long>(c.duplicates), static_cast<long long>(c.rejected));
  std::printf(
      "   %lld forward-return evaluations resolved, %zu wallets, %.2f s (%.0f events/s)\n\n",
      static_cast<long long>(c.evaluations_resolved), run->wallets, run->seconds,
      static_cast<double>(c.lines_read) / std::max(run->seconds, 1e-9));

  absl::StatusOr<std::unique_ptr<store::SqliteStore>> s = store::SqliteStore::Open(db, true);
  if (!s.ok()) return Fail(s.status());
  absl::StatusOr<std::vector<engine::WalletScoreRow>> board = (*s)->Leaderboard(limit);
  if (!board.ok()) return Fail(board.status());
  const int64_t primary = config.horizons_ms[static_cast<size_t>(config.primary_horizon)];
  std::printf("3. Leaderboard (score = shrunk alpha per trade at %s, market-adjusted):\n",
              base::FormatDuration(primary).c_str());
  PrintScoreTable(*board, true);

  absl::StatusOr<int64_t> alert_count = (*s)->AlertCount(false);
  absl::StatusOr<std::vector<store::StoredAlert>> alerts = (*s)->Alerts(std::nullopt, 5);
  if (!alert_count.ok()) return Fail(alert_count.status());
  if (!alerts.ok()) return Fail(alerts.status());
  std::printf("\n4. Alerts: %lld (rate-limited %lld) -> %s\n", static_cast<long long>(*alert_count),
              static_cast<long long>(c.alerts_rate_limited), options.alerts_path.c_str());
  for (const store::StoredAlert& a : *alerts) {
    std::printf("   %s  %s\n", a.alert.alert_id.substr(0, 12).c_str(), a.alert.reason.c_str());
    std::printf("      wallet %s token %s tx %s\n", a.alert.wallet.c_str(), a.alert.token.c_str(),
                a.alert.tx_hash.substr(0, 18).c_str());
  }

  absl::StatusOr<std::map<std::string, std::set<std::string>>> classes = ReadTruth(truth);
  if (!classes.ok()) return Fail(classes.status());
  const std::set<std::string>& informed = (*classes)["informed"];
  auto precision_at = [&](size_t k) {
    size_t hits = 0;
    for (size_t i = 0; i < std::min(k, board->size()); ++i) {
      hits += informed.count((*board)[i].wallet);
    }
    return static_cast<double>(hits) / static_cast<double>(k);
  };
  absl::StatusOr<std::vector<engine::WalletScoreRow>> all = (*s)->AllScores(primary);
  if (!all.ok()) return Fail(all.status());
  std::map<std::string, std::pair<int, int>> gate;  // class -> (passed, flagged)
  for (const engine::WalletScoreRow& r : *all) {
    for (const auto& [name, members] : *classes) {
      if (members.count(r.wallet) == 0) continue;
      gate[name].first += r.smart_money ? 1 : 0;
      gate[name].second += (r.bot_like || r.exchange_like || r.wash_like) ? 1 : 0;
    }
  }
  std::printf("\n5. Evaluation against the simulator's ground truth:\n");
  std::printf("   precision@10 = %.2f   precision@20 = %.2f   (informed wallets: %zu)\n",
              precision_at(10), precision_at(20), informed.size());
  std::printf("   %-10s %8s %14s %10s\n", "class", "wallets", "passed gate", "flagged");
  for (const char* name : {"informed", "noise", "active", "lucky", "bots", "exchanges", "wash"}) {
    std::printf("   %-10s %8zu %14d %10d\n", name, (*classes)[name].size(), gate[name].first,
                gate[name].second);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "\nDone in %.1f s. Explore: coattail top --db %s --limit 20 | coattail wallet --db %s "
      "ADDRESS\n",
      secs, db.c_str(), db.c_str());
  return kExitOk;
}

// SIGINT / SIGTERM end a stream run cleanly: the current event is finished and a checkpoint
// committed, so a restart continues exactly where it stopped.
std::atomic<bool> g_stop{false};

void RequestStop(int /*signal*/) { g_stop.store(true); }

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = RequestStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct ProduceFlags {
  std::string input = "-";
  std::string record_bytes_text;
  std::string linger = "500ms";
};

int RunProduce(stream::ProducerOptions options, const ProduceFlags& flags) {
  if (!flags.record_bytes_text.empty()) {
    uint64_t bytes = 0;
    if (!absl::SimpleAtoi(flags.record_bytes_text, &bytes)) {
      return Fail(absl::InvalidArgumentError("--record-bytes must be a number of bytes"));
    }
    options.record_bytes = static_cast<size_t>(bytes);
  }
  absl::StatusOr<int64_t> linger = base::ParseDurationMs(flags.linger);
  if (!linger.ok()) return Fail(linger.status());
  options.linger = std::chrono::milliseconds(*linger);
  absl::StatusOr<aws::KinesisClient> kinesis = aws::KinesisClient::FromEnv(aws::Env::Process());
  if (!kinesis.ok()) return Fail(kinesis.status());
  absl::StatusOr<std::unique_ptr<stream::Producer>> producer =
      stream::Producer::Create(&*kinesis, std::move(options));
  if (!producer.ok()) return Fail(producer.status());
  absl::StatusOr<std::unique_ptr<io::LineReader>> reader = io::LineReader::Open(flags.input);
  if (!reader.ok()) return Fail(reader.status());
  const auto started = std::chrono::steady_clock::now();
  io::Line line;
  absl::Status status;
  while (status.ok() && (*reader)->Next(line)) status = (*producer)->Add(line);
  if (status.ok()) status = (*reader)->status();
  // Whatever was accepted is sent even when the input failed part way.
  absl::Status flushed = (*producer)->Flush();
  if (status.ok()) status = flushed;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const stream::ProducerStats st = (*producer)->stats();
  const auto ratio = [](int64_t a, int64_t b) {
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
  };
  std::string out = absl::StrCat(
      "lines_read=", st.lines, "\nsent=", st.events_sent, "\ndead_lettered=", st.dead_lettered,
      "\nbalanced=", st.lines == st.events_sent + st.dead_lettered ? "yes" : "NO",
      "\nrecords=", st.records_sent, "\nput_records_calls=", st.calls,
      "\nretried=", st.entries_resent, "\ndead_letter_records=", st.dead_letter_records);
  absl::StrAppend(&out, absl::StrFormat("\nevents_per_record=%.1f\nrecords_per_call=%.1f",
                                        ratio(st.events_sent, st.records_sent),
                                        ratio(st.records_sent, st.calls)));
  for (const auto& [reason, count] : st.dead_letter_reasons) {
    absl::StrAppend(&out, "\ndead_lettered[", reason, "]=", count);
  }
  absl::StrAppend(&out, absl::StrFormat("\nseconds=%.3f\nevents_per_sec=%.0f\n", seconds,
                                        seconds > 0 ? static_cast<double>(st.lines) / seconds : 0));
  std::fputs(out.c_str(), stdout);
  if (!status.ok()) return Fail(status);
  return kExitOk;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "coattail: whale tracking and alpha scoring. Riding smart money so you don't have "
      "to think."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");

  sim::SimConfig sim_config;
  std::string sim_out;
  std::string sim_truth;
  CLI::App* simulate = app.add_subcommand("simulate", "Generate a seeded synthetic market");
  AddSimOptions(simulate, sim_config);
  simulate->add_option("--out", sim_out, "Events NDJSON (- for stdout)")->required();
  simulate->add_option("--truth", sim_truth, "Ground-truth JSON")->required();

  engine::EngineConfig run_config;
  EngineFlags run_flags;
  pipeline::RunOptions run_options;
  CLI::App* run = app.add_subcommand("run", "Score wallets and raise alerts from an event stream");
  run->add_option("--in,--source", run_options.input,
                  "Events: an NDJSON file, - for stdin, or kinesis:STREAM (every shard; AWS "
                  "credentials, AWS_REGION and AWS_ENDPOINT_URL from the environment)")
      ->required();
  run->add_option("--sink", run_options.sink,
                  "Also write alerts to dynamodb:TABLE (BatchWriteItem, idempotent keys)");
  run->add_option("--scores-table", run_options.scores_table,
                  "With --sink: DynamoDB table for wallet scores, written at the end of the run");
  std::string stop_when_idle;
  run->add_option("--stop-when-idle", stop_when_idle,
                  "kinesis: input: end the run once every shard has been caught up this long "
                  "(default: run until SIGINT/SIGTERM)");
  run->add_option("--db", run_options.db, "SQLite state database (resumes when it exists)")
      ->required();
  run->add_option("--alerts", run_options.alerts_path, "Write alerts to this NDJSON file");
  run->add_option("--dead-letter", run_options.dead_letter_path,
                  "Rejected lines with reasons (default: <db>.rejected.ndjson)");
  run->add_option("--export-stats", run_options.export_stats_path,
                  "Write raw per-wallet moments (wallet,horizon_ms,n,mean,variance) as CSV");
  std::string checkpoint_interval = "10s";
  run->add_option("--checkpoint-interval", checkpoint_interval,
                  "Checkpoint after this much wall time (0 = off); a quiet stream checkpoints "
                  "while it waits")
      ->default_val(checkpoint_interval);
  run->add_option("--checkpoint-every", run_options.checkpoint_every_lines,
                  "Also checkpoint every N lines (0 = off); at the end of input always")
      ->default_val(run_options.checkpoint_every_lines);
  run_flags.Register(run, run_config);

  stream::ProducerOptions produce_options;
  ProduceFlags produce_flags;
  CLI::App* produce =
      app.add_subcommand("produce", "Validate events and write them to a Kinesis stream");
  produce->add_option("--in", produce_flags.input, "Events NDJSON file, or - for stdin")
      ->default_val(produce_flags.input);
  produce->add_option("--stream", produce_options.stream, "Trades stream (name or ARN)")
      ->required();
  produce
      ->add_option("--dead-letter-stream", produce_options.dead_letter_stream,
                   "Stream for rejected lines, with their reasons")
      ->required();
  produce->add_option("--record-bytes", produce_flags.record_bytes_text,
                      "Target size of a record packing several events (default 32768)");
  produce
      ->add_option("--linger", produce_flags.linger,
                   "Send a partly filled record once its oldest event waited this long")
      ->default_val(produce_flags.linger);
  produce->footer(
      "Events bound for one shard are packed into newline-framed records (partition key: the "
      "wallet of a trade, the token of a price). To stream the simulator: coattail simulate "
      "--out - --truth truth.json | coattail produce --stream S --dead-letter-stream D");

  std::string db;
  int limit = 20;
  std::string format = "table";
  std::string horizon;
  CLI::App* top = app.add_subcommand("top", "Print the smart-money leaderboard");
  top->add_option("--db", db, "State database")->required();
  top->add_option("--limit", limit, "Rows")->default_val(limit);
  top->add_option("--format", format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->default_val(format);
  top->add_option("--horizon", horizon, "Horizon (default: the primary one)");

  std::string address;
  CLI::App* wallet = app.add_subcommand("wallet", "Show one wallet's scores and alerts");
  wallet->add_option("--db", db, "State database")->required();
  wallet->add_option("address", address, "Wallet address (0x...)")->required();
  wallet->add_option("--format", format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->default_val(format);

  sim::SimConfig demo_sim;
  demo_sim.seed = 7;
  engine::EngineConfig demo_config;
  EngineFlags demo_flags;
  std::string demo_dir = "out/demo";
  CLI::App* demo = app.add_subcommand("demo", "Simulate, score and evaluate against ground truth");
  AddSimOptions(demo, demo_sim);
  demo_flags.Register(demo, demo_config);
  demo->add_option("--dir", demo_dir, "Working directory for the demo files")
      ->default_val(demo_dir);
  demo->add_option("--limit", limit, "Leaderboard rows")->default_val(limit);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (*simulate) return RunSimulate(sim_config, sim_out, sim_truth);
  if (*run) {
    if (absl::Status s = run_flags.Apply(run_config); !s.ok()) return Fail(s);
    run_options.progress = isatty(STDERR_FILENO) == 1;
    absl::StatusOr<int64_t> interval = base::ParseDurationMs(checkpoint_interval);
    if (!interval.ok()) return Fail(interval.status());
    run_options.checkpoint_interval = std::chrono::milliseconds(*interval);
    if (!stop_when_idle.empty()) {
      absl::StatusOr<int64_t> idle = base::ParseDurationMs(stop_when_idle);
      if (!idle.ok()) return Fail(idle.status());
      run_options.idle_exit = std::chrono::milliseconds(*idle);
    }
    if (!pipeline::StreamOf(run_options.input).empty()) {
      InstallStopHandlers();
      run_options.stop = &g_stop;
    }
    absl::StatusOr<pipeline::RunResult> result = pipeline::RunPipeline(run_config, run_options);
    if (!result.ok()) return Fail(result.status());
    std::fputs(pipeline::FormatSummary(*result).c_str(), stdout);
    return kExitOk;
  }
  if (*produce) return RunProduce(std::move(produce_options), produce_flags);
  if (*top) return RunTop(db, limit, format, horizon);
  if (*wallet) return RunWallet(db, address, format);
  if (*demo) {
    if (absl::Status s = demo_flags.Apply(demo_config); !s.ok()) return Fail(s);
    if (absl::Status s = sim::ValidateConfig(demo_sim); !s.ok()) return Fail(s);
    return RunDemo(demo_sim, demo_config, demo_dir, limit);
  }
  return kExitUsage;
}

}  // namespace coattail::cli
