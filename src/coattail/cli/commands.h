// Internal to the `coattail` command line: exit codes, error reporting, the commands cli.cc
// registers and dispatches, and the pieces two commands share.
#ifndef COATTAIL_CLI_COMMANDS_H_
#define COATTAIL_CLI_COMMANDS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
std::unique_ptr<Command> MakeValidateCommand();

// Leaderboard rendering shared by `top` and `demo` (cmd_report.cc).
void PrintScoreTable(const std::vector<engine::WalletScoreRow>& rows, bool with_rank);

// `coattail validate`: the stateless part of the engine's input checks (cmd_validate.cc).
struct ValidateOptions {
  std::string input = "-";
  // Accepted lines, unchanged, each ended by "\n"; "-" for stdout; empty for none.
  std::string accepted;
  // Dead-letter records of rejected lines (the engine's format); a regular file; empty for none.
  std::string rejected;
  // Reject reasons listed in the summary, most frequent first (0 = all).
  int top_reasons = 10;
};

struct ValidateResult {
  int64_t lines_read = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  // Every distinct reason with its count, most frequent first, ties by reason. At most
  // io::DeadLetterWriter::kMaxDistinctReasons distinct reasons; later new ones count as "other".
  std::vector<std::pair<std::string, int64_t>> reasons;
  double seconds = 0;
};

// Reads and checks every line of options.input and writes the outputs. Fails only on I/O errors
// or unusable options; rejected lines are counted, not failures.
absl::StatusOr<ValidateResult> Validate(const ValidateOptions& options);

// The key=value summary `coattail validate` prints.
std::string FormatValidateSummary(const ValidateResult& result, int top_reasons);

}  // namespace coattail::cli

#endif  // COATTAIL_CLI_COMMANDS_H_
