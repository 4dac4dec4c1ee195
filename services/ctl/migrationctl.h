// migrationctl as a function: parse the command line, run one command, return the exit code.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/ctl/api.h"
#include "services/ctl/command.h"
#include "services/ctl/ctl_options.h"

namespace rms::ctl {

// What migrationctl needs from the outside world; tests substitute fakes.
struct Environment {
  EnvLookup env;
  Clock clock;
  // The Api for the resolved connection (HttpApi for the real program).
  std::function<std::unique_ptr<Api>(const ConnectionOptions&)> make_api;
};

// getenv, the system clock, HttpApi.
Environment RealEnvironment();

// One parsed command line.
struct Invocation {
  bool help = false;                  // --help, -h or "help": print Usage()
  const CommandSpec* spec = nullptr;  // the command (unset with help)
  ParsedArgs args;                    // global and command flags, the command's positionals
};

// Every command, in the order of Usage().
const std::vector<CommandSpec>& Commands();

// Parses `args` (without argv[0]): global flags, the command ("instances" takes a subcommand),
// its flags and positionals; global flags may come before or after the command. UsageError
// for no or an unknown command, an unknown flag, a wrong number of arguments.
absl::StatusOr<Invocation> ParseInvocation(const std::vector<std::string>& args);

// Runs the command line and returns the exit code (see ExitCode). Prints the command's output to
// io.out; errors to io.err as "DCS.xxxx: message" for API errors, "migrationctl: message"
// otherwise (plus a pointer to --help after a usage error).
int RunMigrationctl(const std::vector<std::string>& args, const Environment& environment, Io& io);

// The --help text, with the exit codes.
const char* Usage();

}  // namespace rms::ctl
