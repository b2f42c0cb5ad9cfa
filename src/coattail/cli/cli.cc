#include "coattail/cli/cli.h"

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "coattail/cli/commands.h"

namespace coattail::cli {

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

int ExitWith(const absl::Status& s) { return s.ok() ? kExitOk : Fail(s); }

int RunCli(int argc, char** argv) {
  CLI::App app{
      "coattail: whale tracking and alpha scoring. Riding smart money so you don't have "
      "to think."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");

  // Registration order is the order of `coattail --help`.
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(MakeSimulateCommand());
  commands.push_back(MakeRunCommand());
  commands.push_back(MakeProduceCommand());
  commands.push_back(MakeTopCommand());
  commands.push_back(MakeWalletCommand());
  commands.push_back(MakeDemoCommand());
  commands.push_back(MakeValidateCommand());
  std::vector<std::pair<CLI::App*, Command*>> registered;
  registered.reserve(commands.size());
  for (const std::unique_ptr<Command>& command : commands) {
    registered.emplace_back(command->Register(app), command.get());
  }

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

  for (const auto& [subcommand, command] : registered) {
    if (*subcommand) return command->Run();
  }
  return kExitUsage;
}

}  // namespace coattail::cli
