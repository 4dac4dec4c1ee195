// Test helper: a loopback TCP proxy in front of a server, whose link can be cut or frozen to
// inject database or peer faults into a process under test.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/synchronization/mutex.h"

namespace rms::test_support {

// Listens on 127.0.0.1:<free port> and forwards every accepted connection to
// 127.0.0.1:target_port, both ways. Thread-safe; the destructor closes everything and joins.
class TcpProxy {
 public:
  enum class Mode {
    kForward,  // pass bytes both ways
    kDown,     // close every open connection and refuse new ones (a stopped server)
    kFrozen,   // keep every socket open but pass nothing (a hung link)
  };

  static absl::StatusOr<std::unique_ptr<TcpProxy>> Start(int target_port);
  ~TcpProxy();

  int port() const { return port_; }
  void SetMode(Mode mode);
  // From now on, a connection whose client sends bytes containing `trigger` (e.g. "INFO") gets
  // the server's replies one byte every `per_byte` (a peer that answers very slowly); other
  // connections are left alone. An empty trigger turns it off (for connections not trickling).
  void TrickleRepliesAfter(std::string trigger, absl::Duration per_byte);
  // Connections accepted so far.
  int accepted() const { return accepted_.load(); }

 private:
  TcpProxy(int listen_fd, int port, int target_port);
  void AcceptLoop();
  void Pump(int client_fd, int server_fd);
  Mode mode() const;
  // Whether `bytes` sent by a client contain the trickle trigger.
  bool Triggers(absl::string_view bytes) const;
  // Sends one byte of what `server_fd` has to `client_fd`, then waits per_byte; false when a side
  // closed or the proxy stops.
  bool TrickleOne(int server_fd, int client_fd);

  const int listen_fd_;
  const int port_;
  const int target_port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  mutable absl::Mutex mu_;
  Mode mode_ ABSL_GUARDED_BY(mu_) = Mode::kForward;
  std::string trickle_trigger_ ABSL_GUARDED_BY(mu_);
  absl::Duration trickle_per_byte_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  std::thread acceptor_;
};

}  // namespace rms::test_support
