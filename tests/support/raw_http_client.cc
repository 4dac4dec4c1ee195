// RawConnection, response helpers, a self-signed certificate and a TLS client for tests.
#include "tests/support/raw_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::test_support {
namespace {

bool WaitReadable(int fd, absl::Time deadline) {
  const int ms =
      static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) > 0;
}

int ConnectFd(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

// Appends what arrives to a string until the peer closes, `deadline`, or `complete` says so.
std::string ReadInto(int fd, absl::Time deadline,
                     const std::function<bool(const std::string&)>& complete) {
  std::string out;
  char buf[16 << 10];
  while (!complete(out) && WaitReadable(fd, deadline)) {
    const ssize_t got = recv(fd, buf, sizeof(buf), 0);
    if (got <= 0) break;
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

// Whether `out` holds a whole response: a head and as many body bytes as its Content-Length.
bool HasWholeResponse(const std::string& out) {
  const size_t end = out.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::string head = absl::AsciiStrToLower(out.substr(0, end));
  const size_t at = head.find("content-length:");
  size_t length = 0;
  if (at != std::string::npos) {
    const std::string digits = head.substr(at + 15, head.find("\r\n", at) - at - 15);
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(digits), &length)) return true;
  }
  return out.size() >= end + 4 + length;
}

// Handshake on `ssl` (connected to `fd`), `request`, and everything received until the server
// closes or `deadline`. A failure before any response byte means the server refused the session
// (TLS 1.3 reports a rejected client certificate only after the client's handshake is done).
absl::StatusOr<std::string> ExchangeOver(SSL* ssl, int fd, absl::string_view request,
                                         absl::Time deadline) {
  if (fd < 0 || SSL_connect(ssl) != 1) {
    return absl::UnavailableError("TLS handshake or verification failed");
  }
  if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) {
    return absl::UnavailableError("TLS write failed");
  }
  std::string out;
  char buf[16 << 10];
  while (WaitReadable(fd, deadline) || SSL_pending(ssl) > 0) {
    const int got = SSL_read(ssl, buf, sizeof(buf));
    if (got > 0) {
      out.append(buf, static_cast<size_t>(got));
      continue;
    }
    const int error = SSL_get_error(ssl, got);
    if (out.empty() && (error == SSL_ERROR_SSL || error == SSL_ERROR_SYSCALL)) {
      return absl::UnavailableError("the server ended the TLS session before answering");
    }
    break;
  }
  return out;
}

}  // namespace

absl::StatusOr<RawConnection> RawConnection::Connect(int port) {
  const int fd = ConnectFd(port);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot connect to port ", port));
  return RawConnection(fd);
}

RawConnection& RawConnection::operator=(RawConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(absl::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

std::string RawConnection::ReadUntilClose(absl::Time deadline) {
  return ReadInto(fd_, deadline, [](const std::string&) { return false; });
}

std::string RawConnection::ReadResponse(absl::Time deadline) {
  return ReadInto(fd_, deadline, HasWholeResponse);
}

bool RawConnection::ClosedBy(absl::Time deadline) {
  char buf[16 << 10];
  while (WaitReadable(fd_, deadline)) {
    if (recv(fd_, buf, sizeof(buf), 0) <= 0) return true;
  }
  return false;
}

bool RawConnection::Readable() { return WaitReadable(fd_, absl::Now()); }

int StatusOf(absl::string_view response) {
  int status = 0;
  if (response.size() < 12 || !absl::SimpleAtoi(response.substr(9, 3), &status)) return 0;
  return status;
}

std::string BodyOf(absl::string_view response) {
  const size_t end = response.find("\r\n\r\n");
  return end == absl::string_view::npos ? "" : std::string(response.substr(end + 4));
}

absl::Status MakeSelfSignedCert(const std::string& dir) {
  const std::string command =
      absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1",
                   " -addext subjectAltName=IP:127.0.0.1 -keyout ", dir, "/key.pem -out ", dir,
                   "/cert.pem >/dev/null 2>&1");
  if (std::system(command.c_str()) != 0) return absl::InternalError("openssl req failed");
  return absl::OkStatus();
}

absl::StatusOr<std::string> TlsExchange(int port, const std::string& ca_file,
                                        absl::string_view request, absl::Time deadline,
                                        const TlsClientIdentity& identity) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  if (!identity.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx, identity.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx, identity.key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
    SSL_CTX_free(ctx);
    return absl::InvalidArgumentError("cannot load the client certificate or key");
  }
  const int fd = ConnectFd(port);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  absl::StatusOr<std::string> out = ExchangeOver(ssl, fd, request, deadline);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  if (fd >= 0) close(fd);
  return out;
}

}  // namespace rms::test_support
