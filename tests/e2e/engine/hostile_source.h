// HostileSource: a fake Redis source on a free loopback port that answers the replica handshake
// with a full resync of an empty RDB and then streams without end: one endless bulk argument, or
// MULTI followed by SETs forever. Other connections (probes) get short harmless replies.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace rms::e2e {

class HostileSource {
 public:
  enum class Mode { kEndlessArgument, kEndlessTransaction };

  explicit HostileSource(Mode mode);
  ~HostileSource();  // stops and joins every thread
  HostileSource(const HostileSource&) = delete;
  HostileSource& operator=(const HostileSource&) = delete;

  int port() const { return port_; }
  // Bytes of the endless stream written so far (all connections).
  long long streamed() const { return streamed_.load(); }

 private:
  void Accept();
  void Serve(int fd);
  // Writes the endless stream on `fd` until the peer goes away or the source stops.
  void Stream(int fd);
  bool WriteAll(int fd, const char* data, size_t size);

  Mode mode_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<long long> streamed_{0};
  std::thread acceptor_;
  absl::Mutex mu_;
  std::vector<std::thread> connections_ ABSL_GUARDED_BY(mu_);
  std::vector<int> fds_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::e2e
