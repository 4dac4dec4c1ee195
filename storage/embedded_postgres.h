// EmbeddedPostgres: a private PostgreSQL 15 cluster under a data directory, reachable only by
// socket.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/os_process.h"

namespace rms::storage {

// Layout under `data_dir`: `pg/` the cluster (PGDATA), `pg-run/` its unix socket and server log
// (`pg-run/postgresql.log`), `pg-ctl.log` the output of the last initdb/pg_ctl commands.
// The server listens on no TCP address (listen_addresses=''); it trusts local socket connections,
// and the socket directory is private to the server's user (and root). When this process runs as
// root the server runs as system user `os_user` (PostgreSQL refuses root). Not thread-safe: one
// thread starts and stops it.
class EmbeddedPostgres {
 public:
  struct Options {
    std::string bin_dir = "/usr/lib/postgresql/15/bin";  // initdb, pg_ctl, postgres
    std::string os_user = "postgres";                    // used only when running as root
    int port = 5432;  // names the socket file only; no TCP port is opened
  };

  EmbeddedPostgres();
  explicit EmbeddedPostgres(Options options);
  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;
  ~EmbeddedPostgres();  // Stop()

  // Creates `data_dir` if needed, runs initdb on first use (superuser `rms`, UTF8, trust), stops
  // a server left running by a crashed process (or, once the processes of a killed one are gone,
  // removes its stale lock files), starts the server, creates database `rms` if missing and
  // returns its libpq URL ("postgresql:///rms?host=<socket dir>&user=rms"). Errors:
  // FAILED_PRECONDITION when already started, when the binaries or `os_user` are missing, when
  // `os_user` cannot reach `data_dir` (the message suggests another --data-dir), or when the
  // socket path is too long; INTERNAL when initdb/pg_ctl fail (the message ends with the tail of
  // the server log); errors of pg_errors.h while creating the database.
  absl::StatusOr<std::string> Start(absl::string_view data_dir);

  // The URL Start() returns for `data_dir`, for a process that attaches to a cluster another
  // process started (the credentials command next to a running migrationd).
  static std::string UrlFor(absl::string_view data_dir);

  // Stops the server (pg_ctl -m fast: connections are closed). OK when not started. INTERNAL with
  // the log tail when pg_ctl fails.
  absl::Status Stop();

  bool running() const { return running_; }
  // The URL of database `rms` (Start's result); "" before Start.
  const std::string& url() const { return url_; }
  // The URL of the maintenance database `postgres`; "" before Start.
  const std::string& admin_url() const { return admin_url_; }

  // Forgets a running server without stopping it, as a crashed process would.
  void AbandonForTest() { running_ = false; }

 private:
  absl::Status ResolvePaths(absl::string_view data_dir);
  absl::Status PrepareDirectories();
  absl::Status InitDbIfNeeded();
  absl::Status StopLeftoverServer();
  absl::Status RemoveStaleLockFiles();
  absl::Status StartServer();
  absl::Status CreateDatabaseIfMissing();
  // Runs a PostgreSQL program from bin_dir as the server user; INTERNAL (with log tails) unless
  // it exits 0.
  absl::Status RunPgProgram(const std::vector<std::string>& args, absl::string_view what);
  absl::Status Failure(absl::string_view what) const;

  const Options options_;
  std::optional<OsUser> server_user_;  // set when running as root
  std::string data_dir_;
  std::string pg_dir_;
  std::string run_dir_;
  std::string server_log_;
  std::string command_log_;
  std::string url_;
  std::string admin_url_;
  bool running_ = false;
};

}  // namespace rms::storage
