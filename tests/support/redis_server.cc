// Test helper: a real redis-server on a free loopback port, stopped by PID.
#include "tests/support/redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace rms::test_support {
namespace {

std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool WaitExit(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return true;
    absl::SleepFor(absl::Milliseconds(10));  // polling a condition with a deadline
  }
  return false;
}

}  // namespace

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(RedisServerOptions options) {
  std::unique_ptr<RedisServer> server(new RedisServer(std::move(options)));
  char pattern[] = "/tmp/rms-redis.XXXXXX";
  if (mkdtemp(pattern) == nullptr) return absl::InternalError("mkdtemp failed");
  server->dir_ = pattern;
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a free port can be taken meanwhile
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

absl::Status RedisServer::Launch(int port) {
  port_ = port > 0 ? port : FreeLoopbackPort();
  std::string config = absl::StrCat("port ", port_, "\nbind 127.0.0.1\nsave \"\"\nappendonly no\n",
                                    "dir ", dir_, "\nenable-debug-command local\n");
  if (!options_.password.empty()) {
    absl::StrAppend(&config, "requirepass ", options_.password, "\n");
    absl::StrAppend(&config, "masterauth ", options_.password, "\n");  // replicas of a cluster
  }
  if (options_.cluster) {
    if (cluster_port_ == 0) cluster_port_ = FreeLoopbackPort();
    absl::StrAppend(&config, "cluster-enabled yes\ncluster-config-file nodes.conf\n",
                    "cluster-node-timeout 2000\ncluster-port ", cluster_port_, "\n");
  }
  if (!options_.tls_cert_file.empty()) {
    if (tls_port_ == 0) tls_port_ = FreeLoopbackPort();
    absl::StrAppend(&config, "tls-port ", tls_port_, "\ntls-cert-file ", options_.tls_cert_file,
                    "\ntls-key-file ", options_.tls_key_file, "\ntls-ca-cert-file ",
                    options_.tls_ca_file, "\ntls-auth-clients no\n");
  }
  for (const std::string& line : options_.extra_config) absl::StrAppend(&config, line, "\n");
  const std::string log = dir_ + "/redis.log";
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return absl::InternalError("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipe_fds[0], STDIN_FILENO);
    close(pipe_fds[1]);
    FILE* out = freopen(log.c_str(), "a", stdout);
    (void)out;
    dup2(STDOUT_FILENO, STDERR_FILENO);
    execl(options_.binary.c_str(), "redis-server", "-", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[0]);
  [[maybe_unused]] ssize_t n = write(pipe_fds[1], config.data(), config.size());
  close(pipe_fds[1]);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
    auto pong = Cli({"PING"});
    if (pong.ok() && *pong == "PONG") return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(20));  // polling a condition with a deadline
  }
  Stop();
  std::ifstream in(log);
  std::stringstream tail;
  tail << in.rdbuf();
  return absl::UnavailableError(absl::StrCat("redis-server did not start: ", tail.str()));
}

absl::StatusOr<std::string> RedisServer::Cli(const std::vector<std::string>& args) const {
  std::vector<std::string> quoted;
  for (const std::string& arg : args) quoted.push_back(ShellQuote(arg));
  std::string command = absl::StrCat("REDISCLI_AUTH=", ShellQuote(options_.password),
                                     " redis-cli --no-auth-warning -p ", port_, " ",
                                     absl::StrJoin(quoted, " "), " 2>&1");
  if (options_.password.empty()) {
    command = absl::StrCat("redis-cli -p ", port_, " ", absl::StrJoin(quoted, " "), " 2>&1");
  }
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  int status = pclose(pipe);
  if (status != 0) return absl::UnavailableError(absl::StrCat("redis-cli failed: ", output));
  return std::string(absl::StripSuffix(output, "\n"));
}

absl::Status RedisServer::SetPassword(const std::string& password) {
  absl::StatusOr<std::string> reply = Cli({"CONFIG", "SET", "requirepass", password});
  if (!reply.ok()) return reply.status();
  if (*reply != "OK") return absl::InternalError(absl::StrCat("CONFIG SET failed: ", *reply));
  options_.password = password;
  return absl::OkStatus();
}

absl::StatusOr<std::string> RedisServer::Digest() const { return Cli({"DEBUG", "DIGEST"}); }

absl::Status RedisServer::Restart() {
  Stop();
  return StartAgain();
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!WaitExit(pid_, absl::Seconds(10))) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace rms::test_support
