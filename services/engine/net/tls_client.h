// TlsClient: the client side of one TLS session (OpenSSL) over a connected non-blocking socket.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/net/tls_settings.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace rms::engine::net {

// Never blocks and never polls: each call does what the socket allows now and says what it
// waits for, so the owner (TcpConnection) keeps its deadlines and its Cancel() wake-up. Owned by
// one thread. Errors: UNAVAILABLE naming the peer and OpenSSL's reason (a certificate that does
// not verify or does not match the name, a peer that is not TLS, a reset); messages never hold
// key material.
class TlsClient {
 public:
  // What one call did: `bytes` moved, or `want` the poll(2) events (POLLIN or POLLOUT) to wait
  // for before calling again. bytes == 0 and want == 0 from Read(): the peer closed.
  struct Progress {
    size_t bytes = 0;
    short want = 0;
  };

  // Prepares a session on `fd` (not owned) to `host` (the name or address connected to) without
  // I/O: the server certificate must chain to settings.ca_cert (the system store when empty) and
  // match settings.server_name (default `host`), unless settings.insecure_skip_verify. `peer`
  // ("host:port") names the server in messages. INVALID_ARGUMENT when ca_cert holds no PEM
  // certificate.
  static absl::StatusOr<std::unique_ptr<TlsClient>> Create(int fd, const TlsSettings& settings,
                                                           const std::string& host,
                                                           const std::string& peer);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // One step of the handshake; want == 0 once it is complete.
  absl::StatusOr<Progress> Handshake();
  absl::StatusOr<Progress> Read(char* out, size_t max);
  // After a `want`, the next call must pass the same bytes again (OpenSSL's rule).
  absl::StatusOr<Progress> Write(absl::string_view data);

 private:
  TlsClient(SSL_CTX* ctx, SSL* ssl, std::string peer)
      : ctx_(ctx), ssl_(ssl), peer_(std::move(peer)) {}
  // The outcome of an SSL_* call that returned `result` != 1: a `want`, the end of the stream
  // (Read only), or UNAVAILABLE saying `what` failed and why.
  absl::StatusOr<Progress> Outcome(int result, absl::string_view what);

  SSL_CTX* ctx_;
  SSL* ssl_;
  std::string peer_;
};

}  // namespace rms::engine::net
