// migrationctl's command line: find the command, resolve the connection, run, map the exit code.
#include "services/ctl/migrationctl.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/http_api.h"

namespace rms::ctl {
namespace {

bool IsFlagToken(const std::string& token) {
  return absl::StartsWith(token, "--") || token == "-h";
}

// The index of the command: the first token that is neither a global flag nor its value.
size_t CommandIndex(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size() && IsFlagToken(args[i])) {
    const bool takes_value = GlobalFlags().values.count(args[i]) > 0;
    i += takes_value ? 2 : 1;
  }
  return std::min(i, args.size());
}

absl::StatusOr<const CommandSpec*> FindCommand(std::string name, std::vector<std::string>& rest) {
  if (name == "instances") {
    if (rest.empty() || IsFlagToken(rest[0])) {
      return UsageError("instances needs a subcommand: create, list, show or delete");
    }
    name += " " + rest[0];
    rest.erase(rest.begin());
  }
  for (const CommandSpec& spec : Commands()) {
    if (spec.name == name) return &spec;
  }
  return UsageError(absl::StrCat("unknown command '", name, "'"));
}

FlagSpec WithGlobals(const FlagSpec& flags) {
  FlagSpec merged = GlobalFlags();
  merged.values.insert(flags.values.begin(), flags.values.end());
  merged.switches.insert(flags.switches.begin(), flags.switches.end());
  return merged;
}

bool WantsHelp(const ParsedArgs& args) { return args.Switch("--help") || args.Switch("-h"); }

absl::Status Execute(const Invocation& invocation, const Environment& environment, Io& io) {
  ASSIGN_OR_RETURN(ConnectionOptions connection,
                   ResolveConnection(invocation.args, environment.env));
  std::unique_ptr<Api> api = environment.make_api(connection);
  CommandContext context{*api, connection.project, invocation.args,
                         io,   environment.env,    environment.clock};
  return invocation.spec->run(context);
}

int Report(const absl::Status& status, Io& io) {
  const int code = ExitCodeOf(status);
  if (status.ok()) return code;
  if (code == static_cast<int>(ExitCode::kApiError)) {
    io.err << status.message() << "\n";
  } else {
    io.err << "migrationctl: " << status.message() << "\n";
  }
  if (code == static_cast<int>(ExitCode::kUsage)) io.err << "run 'migrationctl --help' for usage\n";
  return code;
}

}  // namespace

Environment RealEnvironment() {
  return Environment{ProcessEnvironment(), SystemClock(), [](const ConnectionOptions& options) {
                       return std::make_unique<HttpApi>(options);
                     }};
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec>* commands = [] {
    auto* out = new std::vector<CommandSpec>;
    AddTaskCommands(*out);
    AddConfigureCommand(*out);
    AddLifecycleCommands(*out);
    AddWatchCommand(*out);
    AddVerifyCommand(*out);
    AddInstanceCommands(*out);
    return out;
  }();
  return *commands;
}

absl::StatusOr<Invocation> ParseInvocation(const std::vector<std::string>& args) {
  Invocation invocation;
  const size_t index = CommandIndex(args);
  std::vector<std::string> prefix(args.begin(), args.begin() + index);
  ASSIGN_OR_RETURN(invocation.args, ParseArgs(prefix, GlobalFlags()));
  invocation.help = WantsHelp(invocation.args) || (index < args.size() && args[index] == "help");
  if (invocation.help) return invocation;
  if (index == args.size()) return UsageError("no command given");
  std::vector<std::string> rest(args.begin() + index + 1, args.end());
  ASSIGN_OR_RETURN(invocation.spec, FindCommand(args[index], rest));
  ASSIGN_OR_RETURN(ParsedArgs command_args, ParseArgs(rest, WithGlobals(invocation.spec->flags)));
  MergeArgs(command_args, invocation.args);
  invocation.help = WantsHelp(invocation.args);
  const size_t count = invocation.args.positional.size();
  if (!invocation.help &&
      (count < invocation.spec->min_args || count > invocation.spec->max_args)) {
    return UsageError(absl::StrCat("usage: migrationctl ", invocation.spec->synopsis));
  }
  return invocation;
}

int RunMigrationctl(const std::vector<std::string>& args, const Environment& environment, Io& io) {
  absl::StatusOr<Invocation> invocation = ParseInvocation(args);
  if (!invocation.ok()) return Report(invocation.status(), io);
  if (invocation->help) {
    io.out << Usage();
    return 0;
  }
  return Report(Execute(*invocation, environment, io), io);
}

}  // namespace rms::ctl
