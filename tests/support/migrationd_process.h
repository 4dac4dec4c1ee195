// Test helper: runs build/bin/migrationd as a child process on free loopback ports.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rms::test_support {

// Polls `predicate` (with a short growing pause) until it returns true or `deadline` passes.
// Returns the predicate's last result.
bool WaitFor(const std::function<bool()>& predicate, absl::Time deadline);

// A directory "/tmp/<prefix>.XXXXXX" with mode 0755 (so that the embedded PostgreSQL's user can
// traverse it), removed with everything in it on destruction.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Create(const std::string& prefix);
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The output of `migrationd credentials create`.
struct Credentials {
  std::string project_id;
  std::string credential_id;
  std::string token;       // set for a token
  std::string access_key;  // set for --aksk
  std::string secret_key;  // set for --aksk
};

struct MigrationdOptions {
  std::string data_dir;      // required; the log file and ready file live there too
  std::string database_url;  // "" = embedded PostgreSQL under data_dir
  std::vector<std::string> extra_flags;
  absl::Duration ready_timeout = absl::Seconds(60);
};

// One migrationd server process. stdout and stderr are appended to `log_path()`. The destructor
// calls Stop(). Not thread-safe.
class MigrationdProcess {
 public:
  // Forks and execs migrationd with --http/--grpc/--metrics-listen 127.0.0.1:0 and a ready file,
  // then waits until the ready file names the ports. Errors: INTERNAL when fork/exec fail,
  // UNAVAILABLE when the process exits before it is ready (message has the log tail),
  // DEADLINE_EXCEEDED after ready_timeout (the process is killed).
  static absl::StatusOr<std::unique_ptr<MigrationdProcess>> Start(MigrationdOptions options);
  ~MigrationdProcess();

  // SIGTERM, then waitpid until `timeout`, then SIGKILL. Returns the raw wait status (use
  // WIFEXITED/WEXITSTATUS); the same value on repeated calls.
  int Stop(absl::Duration timeout = absl::Seconds(30));

  // Runs `migrationd credentials create --project P [--aksk]` on the same data dir / database.
  absl::StatusOr<Credentials> CreateCredentials(const std::string& project, bool aksk = false);
  // Runs `migrationd credentials <args...>` on the same data dir / database and returns its
  // stdout; INTERNAL when it exits non-zero (its stderr is in the log).
  absl::StatusOr<std::string> RunCredentialsCommand(const std::vector<std::string>& args);

  pid_t pid() const { return pid_; }
  bool running() const { return !exit_status_.has_value(); }
  int http_port() const { return http_port_; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  const std::string& log_path() const { return log_path_; }
  // The whole log file as it is now.
  std::string ReadLog() const;

 private:
  explicit MigrationdProcess(MigrationdOptions options);
  absl::Status Spawn();
  absl::Status AwaitReady();
  // After a SIGKILL in embedded mode: stops the PostgreSQL the killed process left running.
  void StopOrphanedPostgres() const;
  // Flags naming the database: --data-dir and, when set, --database-url.
  std::vector<std::string> DatabaseFlags() const;

  MigrationdOptions options_;
  std::string log_path_;
  std::string ready_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  int http_port_ = 0;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
};

// The path of the migrationd binary under test (a compile definition of this library).
const char* MigrationdBinary();

// Runs `argv` (argv[0] is a path), appends its stderr to `log_path` and returns its stdout.
// INTERNAL when it does not exit 0 within `timeout` (it is killed then).
absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                          const std::string& log_path,
                                          absl::Duration timeout = absl::Seconds(60));

// The contents of a file, or "" when it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace rms::test_support
