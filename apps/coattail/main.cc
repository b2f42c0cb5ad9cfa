// The coattail command-line tool. All logic lives in src/coattail; this is only the entry point.
#include "coattail/cli/cli.h"

int main(int argc, char** argv) { return coattail::cli::RunCli(argc, argv); }
