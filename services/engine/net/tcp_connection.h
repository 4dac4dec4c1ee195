// TcpConnection: a blocking TCP socket (plain or TLS) with per-call deadlines and a cross-thread
// wake-up.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/net/tls_settings.h"

namespace rms::engine::net {

class TlsClient;

// Owned by one thread for reads and writes; Cancel() may be called from any thread and makes
// every blocked or later call return CANCELLED. Errors: UNAVAILABLE (refused, reset, closed),
// DEADLINE_EXCEEDED, CANCELLED. Messages name the peer as host:port, never credentials.
class TcpConnection {
 public:
  // Resolves `host` (name or literal) and connects within `timeout`; UNAVAILABLE when it cannot
  // (refused, unreachable, or no answer within `timeout`). With tls.enabled the TLS handshake
  // (see TlsClient) completes within the same `timeout`, and every read and write goes through
  // TLS: UNAVAILABLE naming the certificate problem when the server cannot be verified,
  // INVALID_ARGUMENT when tls.ca_cert is not PEM.
  static absl::StatusOr<std::unique_ptr<TcpConnection>> Connect(const std::string& host, int port,
                                                                absl::Duration timeout,
                                                                const TlsSettings& tls = {});
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  absl::Status WriteAll(absl::string_view data, absl::Time deadline);
  // Reads at least one byte (up to `max`); 0 means the peer closed the connection.
  absl::StatusOr<size_t> ReadSome(char* out, size_t max, absl::Time deadline);
  // Thread-safe, idempotent.
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  const std::string& peer() const { return peer_; }

 private:
  TcpConnection(int fd, int wake_fd, std::string peer);
  // Waits until fd is ready for `events` (POLLIN/POLLOUT), the deadline passes or Cancel().
  absl::Status WaitReady(short events, absl::Time deadline);
  // Starts TLS on the connected socket and completes the handshake by `deadline`.
  absl::Status StartTls(const TlsSettings& tls, const std::string& host, absl::Time deadline);
  absl::Status TlsWriteAll(absl::string_view data, absl::Time deadline);
  absl::StatusOr<size_t> TlsReadSome(char* out, size_t max, absl::Time deadline);

  int fd_;
  int wake_fd_;  // eventfd written by Cancel()
  std::string peer_;
  std::unique_ptr<TlsClient> tls_;  // set when the connection uses TLS
  std::atomic<bool> cancelled_{false};
};

}  // namespace rms::engine::net
