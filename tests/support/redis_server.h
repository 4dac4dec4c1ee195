// Test helper: a real redis-server (Debian's) on a free loopback port, stopped by PID.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rms::test_support {

struct RedisServerOptions {
  std::string password;                   // requirepass; "" = none
  std::vector<std::string> extra_config;  // lines such as "repl-backlog-size 16kb"
  std::string binary = "/usr/bin/redis-server";
  bool cluster = false;  // cluster-enabled, with its bus on another free port
  // With a certificate the server also listens with TLS on tls_port() (clients need no
  // certificate); the plain port stays for the test's own redis-cli (Cli, Digest).
  std::string tls_cert_file, tls_key_file, tls_ca_file;
};

// One redis-server with `enable-debug-command local` (DEBUG DIGEST), no persistence, its config
// passed on stdin (the password never appears in `ps`), working files in a private temp dir.
// The destructor stops it (SIGTERM, then SIGKILL after 10 s) and removes the dir.
class RedisServer {
 public:
  // Starts and waits (deadline 10 s) until it answers PING. UNAVAILABLE with the log tail when
  // it does not.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(RedisServerOptions options = {});
  ~RedisServer();

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }  // 0 without a TLS certificate
  pid_t pid() const { return pid_; }
  const std::string& password() const { return options_.password; }
  const std::string& dir() const { return dir_; }
  // Runs redis-cli against this server (REDISCLI_AUTH carries the password) and returns stdout
  // without the trailing newline. For setup and assertions in tests.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;
  // `DEBUG DIGEST` of the whole dataset (40 hex chars; all zeros when empty).
  absl::StatusOr<std::string> Digest() const;
  // CONFIG SET requirepass `password` (e.g. after filling the server with a password-less
  // tool); later Cli() calls use it.
  absl::Status SetPassword(const std::string& password);
  // Stops the server now; the destructor then does nothing more.
  void Stop();
  // Stops the server (SIGTERM: it writes what its config persists, e.g. `appendonly yes` or a
  // `save` line) and starts it again on the same port and directory, waiting for PING.
  absl::Status Restart();
  // Starts a stopped server again on its port and directory, waiting for PING.
  absl::Status StartAgain() { return Launch(port_); }

 private:
  explicit RedisServer(RedisServerOptions options) : options_(std::move(options)) {}
  // Starts redis-server on `port` (0: a free one) and waits for PING.
  absl::Status Launch(int port = 0);

  RedisServerOptions options_;
  std::string dir_;
  int port_ = 0;
  int cluster_port_ = 0;  // the cluster bus (kept across restarts)
  int tls_port_ = 0;      // kept across restarts
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound then released; race-tolerant enough for tests).
int FreeLoopbackPort();

}  // namespace rms::test_support
