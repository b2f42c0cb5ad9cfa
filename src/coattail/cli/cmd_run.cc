// `coattail run`: the engine over a file, stdin or a Kinesis stream, with its state database.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "coattail/base/format.h"
#include "coattail/base/status_macros.h"
#include "coattail/cli/commands.h"
#include "coattail/cli/engine_options.h"
#include "coattail/engine/engine_config.h"
#include "coattail/pipeline/runner.h"

namespace coattail::cli {
namespace {

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

class RunCommand : public Command {
 public:
  CLI::App* Register(CLI::App& app) override {
    CLI::App* run =
        app.add_subcommand("run", "Score wallets and raise alerts from an event stream");
    run->add_option("--in,--source", options_.input,
                    "Events: an NDJSON file, - for stdin, or kinesis:STREAM (every shard; AWS "
                    "credentials, AWS_REGION and AWS_ENDPOINT_URL from the environment)")
        ->required();
    run->add_option("--sink", options_.sink,
                    "Also write alerts to dynamodb:TABLE (BatchWriteItem, idempotent keys)");
    run->add_option("--scores-table", options_.scores_table,
                    "With --sink: DynamoDB table for wallet scores, written at the end of the run");
    run->add_option("--stop-when-idle", stop_when_idle_,
                    "kinesis: input: end the run once every shard has been caught up this long "
                    "(default: run until SIGINT/SIGTERM)");
    run->add_option("--db", options_.db, "SQLite state database (resumes when it exists)")
        ->required();
    run->add_option("--alerts", options_.alerts_path, "Write alerts to this NDJSON file");
    run->add_option("--dead-letter", options_.dead_letter_path,
                    "Rejected lines with reasons (default: <db>.rejected.ndjson)");
    run->add_option("--export-stats", options_.export_stats_path,
                    "Write raw per-wallet moments (wallet,horizon_ms,n,mean,variance) as CSV");
    run->add_option("--checkpoint-interval", checkpoint_interval_,
                    "Checkpoint after this much wall time (0 = off); a quiet stream checkpoints "
                    "while it waits")
        ->default_val(checkpoint_interval_);
    run->add_option("--checkpoint-every", options_.checkpoint_every_lines,
                    "Also checkpoint every N lines (0 = off); at the end of input always")
        ->default_val(options_.checkpoint_every_lines);
    flags_.Register(run, config_);
    return run;
  }

  int Run() override { return ExitWith(Execute()); }

 private:
  absl::Status Execute() {
    RETURN_IF_ERROR(flags_.Apply(config_));
    options_.progress = isatty(STDERR_FILENO) == 1;
    ASSIGN_OR_RETURN(const int64_t interval, base::ParseDurationMs(checkpoint_interval_));
    options_.checkpoint_interval = std::chrono::milliseconds(interval);
    if (!stop_when_idle_.empty()) {
      ASSIGN_OR_RETURN(const int64_t idle, base::ParseDurationMs(stop_when_idle_));
      options_.idle_exit = std::chrono::milliseconds(idle);
    }
    if (!pipeline::StreamOf(options_.input).empty()) {
      InstallStopHandlers();
      options_.stop = &g_stop;
    }
    ASSIGN_OR_RETURN(const pipeline::RunResult result, pipeline::RunPipeline(config_, options_));
    std::fputs(pipeline::FormatSummary(result).c_str(), stdout);
    return absl::OkStatus();
  }

  engine::EngineConfig config_;
  EngineFlags flags_;
  pipeline::RunOptions options_;
  std::string stop_when_idle_;
  std::string checkpoint_interval_ = "10s";
};

}  // namespace

std::unique_ptr<Command> MakeRunCommand() { return std::make_unique<RunCommand>(); }

}  // namespace coattail::cli
