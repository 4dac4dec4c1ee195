// Runs local programs (optionally as another system user) and inspects files for the embedded
// server.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::storage {

struct OsUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// True when this process runs with effective uid 0.
bool RunningAsRoot();

// The system user `name`; NOT_FOUND when there is none.
absl::StatusOr<OsUser> LookupOsUser(absl::string_view name);

// Runs `argv` (argv[0] an absolute path, no shell) in directory `cwd`, as `user` when given (the
// caller must be root), with stdin from /dev/null and stdout/stderr appended to `output_path`.
// Blocks until it exits and returns its exit code; INTERNAL when it cannot be started or dies
// from a signal. Only inherited descriptors 0-2 reach the program. Any thread.
absl::StatusOr<int> RunProcess(const std::vector<std::string>& argv,
                               const std::optional<OsUser>& user, const std::string& cwd,
                               const std::string& output_path);

// Whether `user` may search directory `path` (and so every parent), checked by a child process
// that takes the user's ids. The caller must be root.
absl::StatusOr<bool> UserCanSearch(const OsUser& user, const std::string& path);

// Gives `path` and everything below it (symlinks not followed) to `user`; does nothing when
// `path` itself already belongs to `user`.
absl::Status ChownTree(const std::string& path, const OsUser& user);

// Whether process `pid` is a live (not zombie) PostgreSQL server whose working directory is
// `data_dir` (a postmaster works in its data directory), so that a recycled PID or another
// cluster's server is never taken for it.
bool IsPostmasterOf(pid_t pid, const std::string& data_dir);

// Live processes whose working directory is `dir` (those this process may inspect).
std::vector<pid_t> ProcessesWorkingIn(const std::string& dir);

// The last `max_bytes` of a text file, starting at a line boundary; "" when unreadable.
std::string FileTail(const std::string& path, size_t max_bytes);

}  // namespace rms::storage
