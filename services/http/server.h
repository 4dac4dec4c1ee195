// Server: a listening socket, one thread per connection up to a cap, optional TLS.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/http/connection.h"
#include "services/http/http_message.h"

namespace rms::http {

class TlsContext;

struct ServerOptions {
  Limits limits;
  // Connections served at once. One more is answered 503 (DCS.5032, plaintext only; a TLS one
  // is just closed) and closed; there is no backlog beyond the kernel's listen queue.
  int max_connections = 256;
  std::string tls_cert_file;  // both set: HTTPS only
  std::string tls_key_file;
  // With the TLS files: a PEM bundle of CAs; clients must present a certificate one of them
  // signed, or the handshake fails (mutual TLS). "" = no client certificates asked for.
  std::string tls_client_ca_file;
};

class Server {
 public:
  // `handler` and `rejecter` are called on connection threads (concurrently).
  Server(ServerOptions options, Handler handler, Rejecter rejecter);
  ~Server();

  // Loads the TLS files (INVALID_ARGUMENT, also for a client CA file without them), binds host:port
  // (port 0 = any free port; UNAVAILABLE if it cannot) and starts the accepting thread.
  absl::Status Start(const std::string& host, int port);
  int port() const { return port_; }
  // Stops accepting, wakes idle connections, lets requests in flight finish, joins every
  // thread. Idempotent.
  void Stop();
  // Connections currently served.
  int ActiveConnections() const;

 private:
  void AcceptLoop();
  void Admit(int fd);
  void Serve(int fd, uint64_t id);
  // Joins the threads of finished connections.
  void Reap() ABSL_LOCKS_EXCLUDED(mu_);

  struct Connection {
    int fd = -1;
    std::thread thread;
  };

  const ServerOptions options_;
  const Handler handler_;
  const Rejecter rejecter_;
  std::unique_ptr<TlsContext> tls_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, Connection> connections_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> finished_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::http
