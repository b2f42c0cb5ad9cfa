// The `coattail` command line: simulate, run, produce, top, wallet, demo, validate.
#ifndef COATTAIL_CLI_CLI_H_
#define COATTAIL_CLI_CLI_H_

namespace coattail::cli {

// Exit codes: 0 ok, 1 runtime failure (I/O, database), 2 bad usage or bad input.
int RunCli(int argc, char** argv);

}  // namespace coattail::cli

#endif  // COATTAIL_CLI_CLI_H_
