// `coattail simulate`: writes a seeded synthetic market and its ground truth.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "coattail/base/status_macros.h"
#include "coattail/cli/commands.h"
#include "coattail/cli/engine_options.h"
#include "coattail/sim/config.h"
#include "coattail/sim/simulator.h"

namespace coattail::cli {
namespace {

class SimulateCommand : public Command {
 public:
  CLI::App* Register(CLI::App& app) override {
    CLI::App* simulate = app.add_subcommand("simulate", "Generate a seeded synthetic market");
    AddSimOptions(simulate, config_);
    simulate->add_option("--out", out_, "Events NDJSON (- for stdout)")->required();
    simulate->add_option("--truth", truth_, "Ground-truth JSON")->required();
    return simulate;
  }

  int Run() override { return ExitWith(Simulate()); }

 private:
  absl::Status Simulate() const {
    RETURN_IF_ERROR(sim::ValidateConfig(config_));
    const auto started = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(const sim::SimStats stats, sim::Simulate(config_, out_, truth_));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // With the events on stdout, the summary must not mix into them.
    std::fprintf(out_ == "-" ? stderr : stdout,
                 "lines=%lld trades=%lld prices=%lld malformed=%lld duplicates=%lld "
                 "retractions=%lld seconds=%.2f\nevents=%s\ntruth=%s\n",
                 static_cast<long long>(stats.lines), static_cast<long long>(stats.trades),
                 static_cast<long long>(stats.prices), static_cast<long long>(stats.malformed),
                 static_cast<long long>(stats.duplicates),
                 static_cast<long long>(stats.retractions), secs, out_.c_str(), truth_.c_str());
    return absl::OkStatus();
  }

  sim::SimConfig config_;
  std::string out_;
  std::string truth_;
};

}  // namespace

std::unique_ptr<Command> MakeSimulateCommand() { return std::make_unique<SimulateCommand>(); }

}  // namespace coattail::cli
