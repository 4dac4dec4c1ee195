// Test helper: runs build/bin/migrationd as a child process on free loopback ports.
#include "tests/support/migrationd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rms::test_support {
namespace {

std::string Tail(const std::string& text, size_t bytes = 4000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// In the child after fork(): wires stdout/stderr, closes the rest, execs. Never returns.
[[noreturn]] void ExecChild(const std::vector<char*>& argv, int stdout_fd, int stderr_fd) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test must not leave a server behind
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  dup2(stdout_fd, STDOUT_FILENO);
  dup2(stderr_fd, STDERR_FILENO);
  if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
    for (int fd = 3; fd < 1024; ++fd) close(fd);
  }
  execv(argv[0], argv.data());
  _exit(127);
}

// Forks and execs `args`; the child's stdout goes to `stdout_fd`, stderr to `stderr_fd`.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& args, int stdout_fd, int stderr_fd) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) ExecChild(argv, stdout_fd, stderr_fd);
  return pid;
}

absl::StatusOr<int> OpenLog(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", strerror(errno)));
  return fd;
}

// Reaps `pid` if it has exited; sets `status`.
bool Reaped(pid_t pid, int* status) { return waitpid(pid, status, WNOHANG) == pid; }

// SIGTERM, wait until `deadline`, then SIGKILL; returns the wait status.
int TerminateAndReap(pid_t pid, absl::Time deadline) {
  int status = 0;
  kill(pid, SIGTERM);
  if (WaitFor([&] { return Reaped(pid, &status); }, deadline)) return status;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace

bool WaitFor(const std::function<bool()>& predicate, absl::Time deadline) {
  absl::Duration pause = absl::Milliseconds(2);
  while (!predicate()) {
    if (absl::Now() >= deadline) return predicate();
    absl::SleepFor(std::min(pause, std::max(deadline - absl::Now(), absl::ZeroDuration())));
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
  return true;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* MigrationdBinary() { return RMS_MIGRATIOND_PATH; }

absl::StatusOr<std::unique_ptr<TempDir>> TempDir::Create(const std::string& prefix) {
  std::string pattern = absl::StrCat("/tmp/", prefix, ".XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", strerror(errno)));
  }
  chmod(pattern.c_str(), 0755);
  return std::unique_ptr<TempDir>(new TempDir(pattern));
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                          const std::string& log_path, absl::Duration timeout) {
  auto log_fd = OpenLog(log_path);
  if (!log_fd.ok()) return log_fd.status();
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  absl::StatusOr<pid_t> pid = Spawn(argv, out[1], *log_fd);
  close(out[1]);
  close(*log_fd);
  if (!pid.ok()) {
    close(out[0]);
    return pid.status();
  }
  const absl::Time deadline = absl::Now() + timeout;
  std::string output;
  char buffer[4096];
  pollfd poll_fd{out[0], POLLIN, 0};
  while (absl::Now() < deadline && poll(&poll_fd, 1, 100) >= 0) {
    if (poll_fd.revents == 0) continue;
    ssize_t n = read(out[0], buffer, sizeof(buffer));
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  if (!WaitFor([&] { return Reaped(*pid, &status); }, deadline)) {
    status = TerminateAndReap(*pid, absl::Now() + absl::Seconds(5));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " failed (wait status ",
                                            status, "); see ", log_path));
  }
  return output;
}

MigrationdProcess::MigrationdProcess(MigrationdOptions options)
    : options_(std::move(options)),
      log_path_(options_.data_dir + "/migrationd.log"),
      ready_path_(options_.data_dir + "/ready.json") {}

absl::StatusOr<std::unique_ptr<MigrationdProcess>> MigrationdProcess::Start(
    MigrationdOptions options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("data_dir is required");
  std::unique_ptr<MigrationdProcess> process(new MigrationdProcess(std::move(options)));
  if (absl::Status s = process->Spawn(); !s.ok()) return s;
  if (absl::Status s = process->AwaitReady(); !s.ok()) return s;
  return process;
}

MigrationdProcess::~MigrationdProcess() {
  if (pid_ > 0) Stop();
}

std::vector<std::string> MigrationdProcess::DatabaseFlags() const {
  std::vector<std::string> flags = {"--data-dir", options_.data_dir};
  if (!options_.database_url.empty()) {
    flags.insert(flags.end(), {"--database-url", options_.database_url});
  }
  return flags;
}

absl::Status MigrationdProcess::Spawn() {
  std::remove(ready_path_.c_str());  // a previous run's file must not count as ready
  std::vector<std::string> args = {MigrationdBinary()};
  for (const std::string& flag : DatabaseFlags()) args.push_back(flag);
  for (const char* listen : {"--http-listen", "--grpc-listen", "--metrics-listen"}) {
    args.insert(args.end(), {listen, "127.0.0.1:0"});
  }
  args.insert(args.end(), {"--ready-file", ready_path_});
  args.insert(args.end(), options_.extra_flags.begin(), options_.extra_flags.end());
  auto log_fd = OpenLog(log_path_);
  if (!log_fd.ok()) return log_fd.status();
  absl::StatusOr<pid_t> pid = rms::test_support::Spawn(args, *log_fd, *log_fd);
  close(*log_fd);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return absl::OkStatus();
}

absl::Status MigrationdProcess::AwaitReady() {
  nlohmann::json ports;
  int status = 0;
  bool exited = false;
  auto ready = [&] {
    exited = exited || Reaped(pid_, &status);
    if (exited) return true;
    ports = nlohmann::json::parse(ReadFileOrEmpty(ready_path_), nullptr, false);
    return ports.is_object() && ports.contains("http_port") && ports.contains("grpc_port");
  };
  if (!WaitFor(ready, absl::Now() + options_.ready_timeout)) {
    Stop();
    return absl::DeadlineExceededError(
        absl::StrCat("migrationd not ready in time; log:\n", Tail(ReadLog())));
  }
  if (exited) {
    exit_status_ = status;
    return absl::UnavailableError(absl::StrCat("migrationd exited early (wait status ", status,
                                               "); log:\n", Tail(ReadLog())));
  }
  http_port_ = ports["http_port"].get<int>();
  grpc_port_ = ports["grpc_port"].get<int>();
  metrics_port_ = ports.value("metrics_port", 0);
  return absl::OkStatus();
}

int MigrationdProcess::Stop(absl::Duration timeout) {
  if (exit_status_) return *exit_status_;
  exit_status_ = TerminateAndReap(pid_, absl::Now() + timeout);
  if (WIFSIGNALED(*exit_status_) && options_.database_url.empty()) StopOrphanedPostgres();
  return *exit_status_;
}

void MigrationdProcess::StopOrphanedPostgres() const {
  const std::string pg_dir = options_.data_dir + "/pg";
  if (!std::filesystem::exists(pg_dir + "/postmaster.pid")) return;
  std::vector<std::string> args = {
      "/usr/lib/postgresql/15/bin/pg_ctl", "-D", pg_dir, "-m", "immediate", "-w", "stop"};
  if (geteuid() == 0) args.insert(args.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  RunAndCapture(args, log_path_).IgnoreError();
}

absl::StatusOr<Credentials> MigrationdProcess::CreateCredentials(const std::string& project,
                                                                 bool aksk) {
  std::vector<std::string> args = {"create", "--project", project};
  if (aksk) args.push_back("--aksk");
  absl::StatusOr<std::string> output = RunCredentialsCommand(args);
  if (!output.ok()) return output.status();
  nlohmann::json printed = nlohmann::json::parse(*output, nullptr, false);
  if (!printed.is_object() || printed.value("project_id", "") != project) {
    return absl::InternalError(absl::StrCat("unexpected credentials output: ", *output));
  }
  return Credentials{printed.value("project_id", ""), printed.value("credential_id", ""),
                     printed.value("token", ""), printed.value("access_key", ""),
                     printed.value("secret_key", "")};
}

absl::StatusOr<std::string> MigrationdProcess::RunCredentialsCommand(
    const std::vector<std::string>& args) {
  std::vector<std::string> argv = {MigrationdBinary(), "credentials"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const std::string& flag : DatabaseFlags()) argv.push_back(flag);
  return RunAndCapture(argv, log_path_);
}

std::string MigrationdProcess::ReadLog() const { return ReadFileOrEmpty(log_path_); }

}  // namespace rms::test_support
