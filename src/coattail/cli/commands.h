// Internal to the `coattail` command line: exit codes, error reporting, the commands cli.cc
// registers and dispatches, and the pieces two commands share.
#ifndef COATTAIL_CLI_COMMANDS_H_
#define COATTAIL_CLI_COMMANDS_H_

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "coattail/engine/engine.h"

namespace coattail::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Distinguishes the user's mistakes (exit 2) from environmental failures (exit 1).
int ExitCodeFor(const absl::Status& s);

// Prints "coattail: error: MESSAGE" on stderr and returns the exit code for `s`.
int Fail(const absl::Status& s);

// kExitOk for OK, else Fail(s).
int ExitWith(const absl::Status& s);

// One subcommand: Register adds it and its options to the app (before parsing); Run executes it
// when the user chose it and returns the process exit code.
class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App* Register(CLI::App& app) = 0;
  virtual int Run() = 0;
};

std::unique_ptr<Command> MakeSimulateCommand();
std::unique_ptr<Command> MakeRunCommand();
std::unique_ptr<Command> MakeProduceCommand();
std::unique_ptr<Command> MakeTopCommand();
std::unique_ptr<Command> MakeWalletCommand();
std::unique_ptr<Command> MakeDemoCommand();

// Leaderboard rendering shared by `top` and `demo` (cmd_report.cc).
void PrintScoreTable(const std::vector<engine::WalletScoreRow>& rows, bool with_rank);

}  // namespace coattail::cli

#endif  // COATTAIL_CLI_COMMANDS_H_
