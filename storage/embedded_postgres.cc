// EmbeddedPostgres: a private PostgreSQL 15 cluster under a data directory, reachable only by
// socket.
#include "storage/embedded_postgres.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "storage/pg_errors.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

namespace fs = std::filesystem;

constexpr size_t kLogTailBytes = 3000;
constexpr absl::Duration kOrphanWait = absl::Seconds(15);

// Percent-encodes `text` for a URL query value (keeps unreserved characters and '/').
std::string QueryEscape(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string SocketUrl(absl::string_view database, absl::string_view socket_dir) {
  return absl::StrCat("postgresql:///", database, "?host=", QueryEscape(socket_dir), "&user=rms");
}

// `dir` made absolute and normal, without a trailing '/'.
std::string AbsoluteDir(absl::string_view dir) {
  std::error_code error;
  std::string path = fs::absolute(fs::path(std::string(dir)), error).lexically_normal().string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool IsEmptyOrMissing(const std::string& dir) {
  std::error_code error;
  return !fs::exists(dir, error) || fs::is_empty(dir, error);
}

// The PID on the first line of postmaster.pid, or 0.
pid_t PostmasterPid(const std::string& pid_file) {
  std::ifstream file(pid_file);
  long pid = 0;
  if (!(file >> pid)) return 0;
  return static_cast<pid_t>(pid);
}

}  // namespace

EmbeddedPostgres::EmbeddedPostgres() : EmbeddedPostgres(Options()) {}

EmbeddedPostgres::EmbeddedPostgres(Options options) : options_(std::move(options)) {}

EmbeddedPostgres::~EmbeddedPostgres() { Stop().IgnoreError(); }

absl::StatusOr<std::string> EmbeddedPostgres::Start(absl::string_view data_dir) {
  if (running_) return absl::FailedPreconditionError("the embedded PostgreSQL already runs");
  RETURN_IF_ERROR(ResolvePaths(data_dir));
  RETURN_IF_ERROR(PrepareDirectories());
  RETURN_IF_ERROR(InitDbIfNeeded());
  RETURN_IF_ERROR(StopLeftoverServer());
  RETURN_IF_ERROR(StartServer());
  running_ = true;
  RETURN_IF_ERROR(CreateDatabaseIfMissing());
  return url_;
}

absl::Status EmbeddedPostgres::Stop() {
  if (!running_) return absl::OkStatus();
  running_ = false;
  return RunPgProgram({"pg_ctl", "-D", pg_dir_, "-m", "fast", "-w", "-t", "60", "stop"},
                      "stopping the embedded PostgreSQL");
}

std::string EmbeddedPostgres::UrlFor(absl::string_view data_dir) {
  return SocketUrl(sql::kEmbeddedDatabase, AbsoluteDir(data_dir) + "/pg-run");
}

absl::Status EmbeddedPostgres::ResolvePaths(absl::string_view data_dir) {
  if (data_dir.empty()) return absl::InvalidArgumentError("the data directory is empty");
  data_dir_ = AbsoluteDir(data_dir);
  pg_dir_ = data_dir_ + "/pg";
  run_dir_ = data_dir_ + "/pg-run";
  server_log_ = run_dir_ + "/postgresql.log";
  command_log_ = data_dir_ + "/pg-ctl.log";
  // The port names the socket file; libpq looks for .s.PGSQL.5432 unless told.
  const std::string port = options_.port == 5432 ? "" : absl::StrCat("&port=", options_.port);
  url_ = SocketUrl(sql::kEmbeddedDatabase, run_dir_) + port;
  admin_url_ = SocketUrl("postgres", run_dir_) + port;
  std::string socket = absl::StrCat(run_dir_, "/.s.PGSQL.", options_.port);
  if (socket.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the PostgreSQL socket path ", socket, " is longer than ",
                     sizeof(sockaddr_un{}.sun_path) - 1, " bytes; choose a shorter --data-dir"));
  }
  if (run_dir_.find('\'') != std::string::npos) {
    return absl::FailedPreconditionError("the data directory must not contain a quote (')");
  }
  return absl::OkStatus();
}

absl::Status EmbeddedPostgres::PrepareDirectories() {
  if (access((options_.bin_dir + "/pg_ctl").c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("PostgreSQL 15 is not installed (no ", options_.bin_dir,
                     "/pg_ctl); install package postgresql-15 or pass --database-url"));
  }
  if (RunningAsRoot()) {
    absl::StatusOr<OsUser> user = LookupOsUser(options_.os_user);
    if (!user.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("PostgreSQL cannot run as root and ", user.status().message(),
                       "; install package postgresql-15 (it creates one) or run as another user"));
    }
    server_user_ = *user;
  }
  std::error_code error;
  fs::create_directories(data_dir_, error);
  for (const std::string& dir : {pg_dir_, run_dir_}) {
    if (!error) fs::create_directory(dir, error);
    if (!error) fs::permissions(dir, fs::perms::owner_all, error);
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", pg_dir_, " and ", run_dir_, ": ", error.message()));
  }
  std::ofstream(command_log_, std::ios::trunc).flush();
  if (!server_user_) return absl::OkStatus();
  RETURN_IF_ERROR(ChownTree(pg_dir_, *server_user_));
  RETURN_IF_ERROR(ChownTree(run_dir_, *server_user_));
  ASSIGN_OR_RETURN(bool reachable, UserCanSearch(*server_user_, pg_dir_));
  if (!reachable) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PostgreSQL runs as user '", server_user_->name, "', who cannot reach ", pg_dir_,
        " (a parent directory is not searchable by others); choose another --data-dir, e.g. "
        "/var/lib/rms, or chmod o+x the parents"));
  }
  return absl::OkStatus();
}

absl::Status EmbeddedPostgres::InitDbIfNeeded() {
  if (fs::exists(pg_dir_ + "/PG_VERSION")) return absl::OkStatus();
  if (!IsEmptyOrMissing(pg_dir_)) {
    return absl::FailedPreconditionError(absl::StrCat(
        pg_dir_, " is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away"));
  }
  return RunPgProgram(
      {"initdb", "-D", pg_dir_, "-A", "trust", "-U", "rms", "-E", "UTF8", "--locale=C"},
      "initdb of the embedded PostgreSQL");
}

absl::Status EmbeddedPostgres::StopLeftoverServer() {
  pid_t pid = PostmasterPid(pg_dir_ + "/postmaster.pid");
  if (!IsPostmasterOf(pid, pg_dir_)) return RemoveStaleLockFiles();
  LogWarning(absl::StrCat("stopping the embedded PostgreSQL (pid ", pid,
                          ") left running by an earlier process"));
  return RunPgProgram({"pg_ctl", "-D", pg_dir_, "-m", "fast", "-w", "-t", "60", "stop"},
                      "stopping a PostgreSQL left running by an earlier process");
}

absl::Status EmbeddedPostgres::RemoveStaleLockFiles() {
  // Backends of a killed postmaster exit soon after it and still work in the data directory;
  // the lock files protect it until they are gone.
  absl::Time deadline = absl::Now() + kOrphanWait;
  for (std::vector<pid_t> users = ProcessesWorkingIn(pg_dir_); !users.empty();
       users = ProcessesWorkingIn(pg_dir_)) {
    if (absl::Now() > deadline) {
      return absl::FailedPreconditionError(
          absl::StrCat("processes ", absl::StrJoin(users, ", "), " still use ", pg_dir_,
                       " but no PostgreSQL server owns it; stop them and start again"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  // A dead (or zombie) PID in a lock file would make the new server refuse to start.
  for (const std::string& lock : {pg_dir_ + "/postmaster.pid",
                                  absl::StrCat(run_dir_, "/.s.PGSQL.", options_.port, ".lock")}) {
    std::error_code error;
    if (fs::remove(lock, error)) LogWarning(absl::StrCat("removed the stale lock file ", lock));
  }
  return absl::OkStatus();
}

absl::Status EmbeddedPostgres::StartServer() {
  std::string server_options = absl::StrCat("-c listen_addresses='' -k '", run_dir_, "' -p ",
                                            options_.port, " -c unix_socket_permissions=0700");
  return RunPgProgram(
      {"pg_ctl", "-D", pg_dir_, "-l", server_log_, "-w", "-t", "60", "-o", server_options, "start"},
      "starting the embedded PostgreSQL");
}

absl::Status EmbeddedPostgres::CreateDatabaseIfMissing() {
  try {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction tx(connection);
    if (tx.exec_params(sql::kDatabaseExists, std::string(sql::kEmbeddedDatabase)).empty()) {
      tx.exec(sql::kCreateEmbeddedDatabase);
    }
    return absl::OkStatus();
  } catch (...) {
    return ConnectStatusFromCurrentException(admin_url_);
  }
}

absl::Status EmbeddedPostgres::RunPgProgram(const std::vector<std::string>& args,
                                            absl::string_view what) {
  std::vector<std::string> argv = args;
  argv[0] = absl::StrCat(options_.bin_dir, "/", args[0]);
  absl::StatusOr<int> exit_code = RunProcess(argv, server_user_, pg_dir_, command_log_);
  if (!exit_code.ok()) return Failure(absl::StrCat(what, ": ", exit_code.status().message()));
  if (*exit_code != 0)
    return Failure(absl::StrCat(what, ": ", args[0], " exited with ", *exit_code));
  return absl::OkStatus();
}

absl::Status EmbeddedPostgres::Failure(absl::string_view what) const {
  return absl::InternalError(absl::StrCat(
      what, "\n--- ", command_log_, " (tail) ---\n", FileTail(command_log_, kLogTailBytes), "--- ",
      server_log_, " (tail) ---\n", FileTail(server_log_, kLogTailBytes)));
}

}  // namespace rms::storage
