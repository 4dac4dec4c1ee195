// TLS for the HTTP server (OpenSSL): a server context from PEM files and a ByteStream over it.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/http/byte_stream.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace rms::http {

class TlsStream;

// A server-side TLS configuration (TLS 1.2 and newer). Thread-safe after Load.
class TlsContext {
 public:
  // Loads a PEM certificate chain and its PEM private key. With `client_ca_file` (a PEM bundle of
  // CA certificates; "" = none) every client must present a certificate that verifies against
  // one of them, or its handshake fails (mutual TLS). INVALID_ARGUMENT naming the file that
  // cannot be read or does not match (the message never contains key material).
  static absl::StatusOr<std::unique_ptr<TlsContext>> Load(const std::string& cert_file,
                                                          const std::string& key_file,
                                                          const std::string& client_ca_file = "");
  ~TlsContext();

  // Runs the server handshake on non-blocking socket `fd` (not owned) by `deadline`.
  // DEADLINE_EXCEEDED, or UNAVAILABLE when the handshake fails.
  absl::StatusOr<std::unique_ptr<TlsStream>> Accept(int fd, absl::Time deadline) const;

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

// One TLS connection; does not own the socket.
class TlsStream : public ByteStream {
 public:
  TlsStream(SSL* ssl, int fd) : ssl_(ssl), fd_(fd) {}
  ~TlsStream() override;
  absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) override;
  absl::Status Write(absl::string_view data, absl::Time deadline) override;
  void ShutdownWrite() override;

  // Waits as OpenSSL asks after a call that returned `result` (WANT_READ / WANT_WRITE);
  // UNAVAILABLE for any other outcome, DEADLINE_EXCEEDED.
  absl::Status WaitAfter(int result, absl::Time deadline);

 private:
  SSL* ssl_;
  int fd_;
};

}  // namespace rms::http
