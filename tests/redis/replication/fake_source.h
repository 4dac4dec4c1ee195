// FakeSource: a scripted replication source on a loopback port, for protocol corners.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/engine/replication/replication_session.h"
#include "services/engine/resp/resp.h"

namespace rms::test_redis {

// Accepts one connection and records the commands it receives. Answers each REPLCONF before the
// PSYNC with `replconf_reply`, and PSYNC with `script` (the PSYNC reply and whatever follows).
// Optionally closes the connection after the script. The destructor stops and joins its thread.
class FakeSource {
 public:
  explicit FakeSource(std::string script, bool close_after_script = false,
                      std::string replconf_reply = "+OK\r\n");
  ~FakeSource();
  FakeSource(const FakeSource&) = delete;
  FakeSource& operator=(const FakeSource&) = delete;

  int port() const { return port_; }
  // Writes more bytes on the accepted connection (after the script was sent).
  void Send(const std::string& bytes);
  // The commands received so far, decoded.
  std::vector<std::vector<std::string>> commands() const;
  // True once `args` was received.
  bool Received(const std::vector<std::string>& args) const;

 private:
  void Serve();
  void OnBytes(const char* data, size_t n);

  std::string script_;
  bool close_after_script_;
  std::string replconf_reply_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd that ends Serve()
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mutex_;
  int connection_fd_ ABSL_GUARDED_BY(mutex_) = -1;
  bool script_sent_ ABSL_GUARDED_BY(mutex_) = false;
  engine::resp::RespDecoder decoder_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::vector<std::string>> commands_ ABSL_GUARDED_BY(mutex_);
};

inline const std::string kFakeReplId(40, 'a');
inline const std::string kPing = "*1\r\n$4\r\nPING\r\n";  // 14 bytes
inline const std::string kGetAck =
    "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";  // 37 bytes

// Open()s a session on `fake` (10 s idle timeout).
absl::StatusOr<std::unique_ptr<engine::replication::ReplicationSession>> OpenOn(
    const FakeSource& fake, const std::string& replid = "", int64_t applied = -1,
    engine::replication::SessionOptions options = {});

}  // namespace rms::test_redis
