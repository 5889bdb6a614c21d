// The redress executable: parses the command line and hands over to app/.
#include "app/cli.h"

int main(int argc, char** argv) { return redress::app::run_cli(argc, argv); }
