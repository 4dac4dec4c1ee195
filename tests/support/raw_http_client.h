// Test helper: raw HTTP/1.1 over loopback sockets (plain or TLS) for tests that need to send
// what well-behaved clients never send (huge chunked bodies, slow heads, idle connections).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rms::test_support {

// A blocking TCP connection to 127.0.0.1:`port`; closed on destruction.
class RawConnection {
 public:
  static absl::StatusOr<RawConnection> Connect(int port);
  RawConnection(RawConnection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RawConnection& operator=(RawConnection&& other) noexcept;
  ~RawConnection();

  // Writes all of `data`; false once the peer has closed or reset the connection.
  bool Send(absl::string_view data);
  // Everything received until the peer closes or `deadline` passes.
  std::string ReadUntilClose(absl::Time deadline);
  // One response (head and Content-Length body), or what arrived until `deadline`.
  std::string ReadResponse(absl::Time deadline);
  // Whether the peer has closed (EOF or reset) within `deadline`; discards what it reads.
  bool ClosedBy(absl::Time deadline);
  // True if a byte can be read now (a response started arriving).
  bool Readable();
  int fd() const { return fd_; }

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The status code of "HTTP/1.1 413 ..." at the start of `response`, or 0.
int StatusOf(absl::string_view response);
// The body after the blank line of `response`.
std::string BodyOf(absl::string_view response);

// Writes a self-signed certificate for CN=127.0.0.1 (with subjectAltName IP:127.0.0.1) and its
// key to <dir>/cert.pem and <dir>/key.pem with the openssl command. INTERNAL on failure.
absl::Status MakeSelfSignedCert(const std::string& dir);

// The certificate a TLS client presents (PEM files); both empty: none.
struct TlsClientIdentity {
  std::string cert_file;
  std::string key_file;
};

// Sends `request` over TLS to 127.0.0.1:`port`, verifying the server against `ca_file` and
// presenting `identity`, and returns everything received until the server closes (or
// `deadline`). UNAVAILABLE on handshake or verification failure, including a TLS alert from the
// server before any byte of a response (TLS 1.3 reports a rejected client certificate only then).
absl::StatusOr<std::string> TlsExchange(int port, const std::string& ca_file,
                                        absl::string_view request, absl::Time deadline,
                                        const TlsClientIdentity& identity = {});

}  // namespace rms::test_support
