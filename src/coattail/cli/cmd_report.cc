// `coattail top` and `coattail wallet`: read-only reports from a state database.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "coattail/base/format.h"
#include "coattail/base/status_macros.h"
#include "coattail/cli/commands.h"
#include "coattail/pipeline/json_format.h"
#include "coattail/store/sqlite_store.h"

namespace coattail::cli {
namespace {

std::string Pct(double x) { return absl::StrFormat("%+.3f%%", x * 100); }

std::string Flags(const engine::WalletScoreRow& r) {
  std::vector<std::string> f;
  if (r.smart_money) f.emplace_back("smart");
  if (r.bot_like) f.emplace_back("bot");
  if (r.exchange_like) f.emplace_back("exchange");
  if (r.wash_like) f.emplace_back("wash");
  return f.empty() ? "-" : absl::StrJoin(f, ",");
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

void AddFormatOption(CLI::App* app, std::string& format) {
  app->add_option("--format", format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->default_val(format);
}

class TopCommand : public Command {
 public:
  CLI::App* Register(CLI::App& app) override {
    CLI::App* top = app.add_subcommand("top", "Print the smart-money leaderboard");
    top->add_option("--db", db_, "State database")->required();
    top->add_option("--limit", limit_, "Rows")->default_val(limit_);
    AddFormatOption(top, format_);
    top->add_option("--horizon", horizon_, "Horizon (default: the primary one)");
    return top;
  }

  int Run() override { return ExitWith(Execute()); }

 private:
  absl::Status Execute() const {
    if (limit_ <= 0) return absl::InvalidArgumentError("--limit must be positive");
    std::optional<int64_t> horizon_ms;
    if (!horizon_.empty()) {
      ASSIGN_OR_RETURN(horizon_ms, base::ParseDurationMs(horizon_));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store,
                     store::SqliteStore::Open(db_, true));
    ASSIGN_OR_RETURN(const std::vector<engine::WalletScoreRow> rows,
                     store->Leaderboard(limit_, horizon_ms));
    if (format_ == "json") {
      PrintScoresJson(rows);
    } else {
      PrintScoreTable(rows, true);
    }
    return absl::OkStatus();
  }

  std::string db_;
  int limit_ = 20;
  std::string format_ = "table";
  std::string horizon_;
};

class WalletCommand : public Command {
 public:
  CLI::App* Register(CLI::App& app) override {
    CLI::App* wallet = app.add_subcommand("wallet", "Show one wallet's scores and alerts");
    wallet->add_option("--db", db_, "State database")->required();
    wallet->add_option("address", address_, "Wallet address (0x...)")->required();
    AddFormatOption(wallet, format_);
    return wallet;
  }

  int Run() override { return ExitWith(Execute()); }

 private:
  absl::Status Execute() const {
    ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store,
                     store::SqliteStore::Open(db_, true));
    ASSIGN_OR_RETURN(const std::vector<engine::WalletScoreRow> rows, store->WalletScores(address_));
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no wallet ", address_, " in ", db_));
    ASSIGN_OR_RETURN(const std::vector<store::StoredAlert> alerts, store->Alerts(address_, 5));
    if (format_ == "json") {
      PrintScoresJson(rows);
      return absl::OkStatus();
    }
    PrintWallet(rows, alerts);
    return absl::OkStatus();
  }

  static void PrintWallet(const std::vector<engine::WalletScoreRow>& rows,
                          const std::vector<store::StoredAlert>& alerts) {
    const engine::WalletScoreRow& first = rows.front();
    std::printf(
        "wallet   %s\ntier     %s\ntrades   %lld\nvolume   %s\nrealized %s\nunrealized %s\n"
        "flags    %s\n\n",
        first.wallet.c_str(), first.tier.c_str(), static_cast<long long>(first.trade_count),
        base::FormatUsd(first.volume_usd).c_str(), base::FormatUsd(first.realized_pnl_usd).c_str(),
        base::FormatUsd(first.unrealized_pnl_usd).c_str(), Flags(first).c_str());
    std::printf("%-10s %10s %10s %7s %9s %9s %7s %14s\n", "horizon", "mean", "score", "t", "p", "q",
                "n", "hit (lower)");
    for (const engine::WalletScoreRow& r : rows) {
      std::printf("%-10s %10s %10s %7.2f %9.2g %9.2g %7.1f %6.1f%% (%4.1f%%)\n",
                  base::FormatDuration(r.horizon_ms).c_str(), Pct(r.mean_return).c_str(),
                  Pct(r.shrunk_alpha).c_str(), r.t_stat, r.p_value, r.q_value, r.effective_n,
                  r.hit_rate * 100, r.hit_rate_lower * 100);
    }
    std::printf("\nrecent alerts: %zu\n", alerts.size());
    for (const store::StoredAlert& a : alerts) {
      std::printf("  %s %s %s %s%s\n", a.alert.alert_id.c_str(), a.alert.side.c_str(),
                  base::FormatUsd(a.alert.usd_value).c_str(), a.alert.token.c_str(),
                  a.retracted ? " (retracted)" : "");
    }
  }

  std::string db_;
  std::string address_;
  std::string format_ = "table";
};

}  // namespace

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

std::unique_ptr<Command> MakeTopCommand() { return std::make_unique<TopCommand>(); }
std::unique_ptr<Command> MakeWalletCommand() { return std::make_unique<WalletCommand>(); }

}  // namespace coattail::cli
