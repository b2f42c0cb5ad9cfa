// `coattail demo`: simulate a market, run the engine on it, print the leaderboard and alerts, and
// evaluate the result against the simulator's ground truth.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coattail/base/format.h"
#include "coattail/base/status_macros.h"
#include "coattail/cli/commands.h"
#include "coattail/cli/engine_options.h"
#include "coattail/engine/engine_config.h"
#include "coattail/pipeline/runner.h"
#include "coattail/sim/config.h"
#include "coattail/sim/simulator.h"
#include "coattail/store/sqlite_store.h"
#include "simdjson.h"

namespace coattail::cli {
namespace {

using TruthClasses = std::map<std::string, std::set<std::string>>;

// Reads the wallet lists of a simulator truth file.
absl::StatusOr<TruthClasses> ReadTruth(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.load(path).get(doc); error) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read truth file ", path, ": ", simdjson::error_message(error)));
  }
  TruthClasses classes;
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

// Step 5: precision of the leaderboard and, per truth class, how many wallets passed the gate or
// were flagged.
absl::Status PrintEvaluation(store::SqliteStore& store, int64_t primary,
                             const std::vector<engine::WalletScoreRow>& board,
                             const std::string& truth) {
  ASSIGN_OR_RETURN(TruthClasses classes, ReadTruth(truth));
  const std::set<std::string>& informed = classes["informed"];
  auto precision_at = [&](size_t k) {
    size_t hits = 0;
    for (size_t i = 0; i < std::min(k, board.size()); ++i) hits += informed.count(board[i].wallet);
    return static_cast<double>(hits) / static_cast<double>(k);
  };
  ASSIGN_OR_RETURN(const std::vector<engine::WalletScoreRow> all, store.AllScores(primary));
  std::map<std::string, std::pair<int, int>> gate;  // class -> (passed, flagged)
  for (const engine::WalletScoreRow& r : all) {
    for (const auto& [name, members] : classes) {
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
    std::printf("   %-10s %8zu %14d %10d\n", name, classes[name].size(), gate[name].first,
                gate[name].second);
  }
  return absl::OkStatus();
}

class DemoCommand : public Command {
 public:
  DemoCommand() { sim_.seed = 7; }

  CLI::App* Register(CLI::App& app) override {
    CLI::App* demo =
        app.add_subcommand("demo", "Simulate, score and evaluate against ground truth");
    AddSimOptions(demo, sim_);
    flags_.Register(demo, config_);
    demo->add_option("--dir", dir_, "Working directory for the demo files")->default_val(dir_);
    demo->add_option("--limit", limit_, "Leaderboard rows")->default_val(limit_);
    return demo;
  }

  int Run() override {
    if (absl::Status s = flags_.Apply(config_); !s.ok()) return Fail(s);
    if (absl::Status s = sim::ValidateConfig(sim_); !s.ok()) return Fail(s);
    return ExitWith(Execute());
  }

 private:
  absl::Status Execute() const {
    const auto started = std::chrono::steady_clock::now();
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("cannot create ", dir_));
    const std::string events = dir_ + "/events.ndjson";
    const std::string truth = dir_ + "/truth.json";
    const std::string db = dir_ + "/state.db";
    for (const std::string& stale : {db, db + "-wal", db + "-shm"}) {
      std::filesystem::remove(stale, ec);
    }

    std::printf("== Coat Tail Capital demo: riding smart money so you don't have to think ==\n\n");
    std::printf("1. Simulating %d days of a market with %d tokens (seed %llu)...\n", sim_.days,
                sim_.tokens, static_cast<unsigned long long>(sim_.seed));
    ASSIGN_OR_RETURN(const sim::SimStats stats, sim::Simulate(sim_, events, truth));
    std::printf("   %lld events (%lld trades, %lld prices) -> %s\n\n",
                static_cast<long long>(stats.lines), static_cast<long long>(stats.trades),
                static_cast<long long>(stats.prices), events.c_str());

    std::printf("2. Running the engine...\n");
    pipeline::RunOptions options;
    options.input = events;
    options.db = db;
    options.alerts_path = dir_ + "/alerts.ndjson";
    options.dead_letter_path = dir_ + "/rejected.ndjson";
    options.checkpoint_every_lines = 0;
    options.checkpoint_interval = std::chrono::milliseconds(0);
    ASSIGN_OR_RETURN(const pipeline::RunResult run, pipeline::RunPipeline(config_, options));
    const engine::Counters& c = run.counters;
    std::printf("   lines read %lld = accepted %lld + duplicates %lld + rejected %lld\n",
                static_cast<long long>(c.lines_read), static_cast<long long>(c.accepted),
                static_cast<long long>(c.duplicates), static_cast<long long>(c.rejected));
    std::printf(
        "   %lld forward-return evaluations resolved, %zu wallets, %.2f s (%.0f events/s)\n\n",
        static_cast<long long>(c.evaluations_resolved), run.wallets, run.seconds,
        static_cast<double>(c.lines_read) / std::max(run.seconds, 1e-9));

    ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store, store::SqliteStore::Open(db, true));
    ASSIGN_OR_RETURN(const std::vector<engine::WalletScoreRow> board, store->Leaderboard(limit_));
    const int64_t primary = config_.horizons_ms[static_cast<size_t>(config_.primary_horizon)];
    std::printf("3. Leaderboard (score = shrunk alpha per trade at %s, market-adjusted):\n",
                base::FormatDuration(primary).c_str());
    PrintScoreTable(board, true);

    ASSIGN_OR_RETURN(const int64_t alert_count, store->AlertCount(false));
    ASSIGN_OR_RETURN(const std::vector<store::StoredAlert> alerts, store->Alerts(std::nullopt, 5));
    std::printf("\n4. Alerts: %lld (rate-limited %lld) -> %s\n",
                static_cast<long long>(alert_count), static_cast<long long>(c.alerts_rate_limited),
                options.alerts_path.c_str());
    for (const store::StoredAlert& a : alerts) {
      std::printf("   %s  %s\n", a.alert.alert_id.substr(0, 12).c_str(), a.alert.reason.c_str());
      std::printf("      wallet %s token %s tx %s\n", a.alert.wallet.c_str(), a.alert.token.c_str(),
                  a.alert.tx_hash.substr(0, 18).c_str());
    }

    RETURN_IF_ERROR(PrintEvaluation(*store, primary, board, truth));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf(
        "\nDone in %.1f s. Explore: coattail top --db %s --limit 20 | coattail wallet --db %s "
        "ADDRESS\n",
        secs, db.c_str(), db.c_str());
    return absl::OkStatus();
  }

  sim::SimConfig sim_;
  engine::EngineConfig config_;
  EngineFlags flags_;
  std::string dir_ = "out/demo";
  int limit_ = 20;
};

}  // namespace

std::unique_ptr<Command> MakeDemoCommand() { return std::make_unique<DemoCommand>(); }

}  // namespace coattail::cli
