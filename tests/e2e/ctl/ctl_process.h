// Test helper: runs build/bin/migrationctl as a child process, through pipes or a pseudo-terminal.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace rms::e2e {

struct CtlRun {
  int exit_code = -1;  // -1 when it did not exit normally (killed at the deadline)
  std::string out;     // stdout (with a terminal: stdout and stderr as the terminal showed them)
  std::string err;     // stderr (empty with a terminal)
};

struct CtlOptions {
  // Variables set for the child, on top of this process's environment without its RMS_* ones.
  std::map<std::string, std::string> env;
  std::string stdin_text;  // piped to the child (not with a terminal)
  absl::Duration timeout = absl::Seconds(60);
};

// Runs migrationctl `args` with stdout and stderr on pipes; kills it at the deadline.
CtlRun RunCtl(const std::vector<std::string>& args, const CtlOptions& options);

// Runs migrationctl `args` with stdin, stdout and stderr on a new pseudo-terminal (forkpty), so
// that isatty(stdout) holds; kills it at the deadline.
CtlRun RunCtlOnTerminal(const std::vector<std::string>& args, const CtlOptions& options);

// What a failed run printed, for assertion messages.
std::string Describe(const CtlRun& run);

}  // namespace rms::e2e
