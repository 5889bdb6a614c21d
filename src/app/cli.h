#pragma once
// The command line: parses flags and runs one subcommand. A bad flag, file or setting
// prints one line naming it and returns 2.
namespace redress::app {

int run_cli(int argc, char** argv);

}  // namespace redress::app
