// migrationctl: runs one command against the migrationd REST API (see docs/cli.md).
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "services/ctl/migrationctl.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  rms::ctl::Io io{std::cin, std::cout, std::cerr, isatty(STDOUT_FILENO) == 1};
  return rms::ctl::RunMigrationctl(args, rms::ctl::RealEnvironment(), io);
}
