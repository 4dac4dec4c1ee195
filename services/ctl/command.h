// What a migrationctl command gets (the API, its arguments, the terminal, a clock) and how the
// command groups declare themselves.
#pragma once

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/ctl/api.h"
#include "services/ctl/arg_parser.h"
#include "services/ctl/ctl_options.h"

namespace rms::ctl {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;  // redraw progress lines in place
};

struct Clock {
  std::function<absl::Time()> now;
  std::function<void(absl::Duration)> sleep;  // the pause between polls
};

// The real clock: absl::Now and absl::SleepFor.
Clock SystemClock();

struct CommandContext {
  Api& api;
  const std::string& project;
  const ParsedArgs& args;  // positionals after the command's name, and its flags
  Io& io;
  const EnvLookup& env;
  const Clock& clock;

  bool json() const { return args.Switch("--json"); }
  // The reply as --json wants it, else `human` of it.
  void Print(const Json& reply, const std::function<std::string(const Json&)>& human) const;
  // ProjectPath(project, "/migration-task/<task>" + suffix).
  std::string TaskPath(const std::string& task, const std::string& suffix = "") const;
  absl::StatusOr<Json> Get(const std::string& path) const;
};

// Adds --offset and --limit (when given) to the request's query. UsageError when malformed.
absl::Status AddPaging(const ParsedArgs& args, ApiRequest& request);

// A request with a JSON body.
ApiRequest JsonRequest(const std::string& method, const std::string& path, const Json& body);

struct CommandSpec {
  std::string name;      // "show", "instances create"
  std::string synopsis;  // "show TASK", printed after a wrong number of arguments
  size_t min_args = 0;
  size_t max_args = 0;  // positionals; SIZE_MAX = any number
  FlagSpec flags;       // besides GlobalFlags()
  std::function<absl::Status(CommandContext&)> run;
};

// The command groups, one file each.
void AddTaskCommands(std::vector<CommandSpec>& out);       // create list show stats logs
void AddLifecycleCommands(std::vector<CommandSpec>& out);  // update stop restart delete
void AddConfigureCommand(std::vector<CommandSpec>& out);   // configure
void AddInstanceCommands(std::vector<CommandSpec>& out);   // instances create|list|show|delete
void AddVerifyCommand(std::vector<CommandSpec>& out);      // verify
void AddWatchCommand(std::vector<CommandSpec>& out);       // watch

}  // namespace rms::ctl
