// TlsContext and TlsStream: OpenSSL on non-blocking sockets, waiting with poll() until deadlines.
#include "services/http/tls_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "services/http/socket_stream.h"

namespace rms::http {
namespace {

// Mutual TLS: trust the CAs of `ca_file` for client certificates, name them in the
// CertificateRequest, and fail the handshake of a client that sends no certificate or one that
// does not verify.
absl::Status RequireClientCertificates(SSL_CTX* ctx, const std::string& ca_file) {
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_file.c_str());
  if (names == nullptr || SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load the client CA certificates (PEM) from ", ca_file));
  }
  SSL_CTX_set_client_CA_list(ctx, names);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  // Session resumption with client verification needs a context id (else OpenSSL refuses it).
  static constexpr unsigned char kSessionContext[] = "rms-http";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsContext>> TlsContext::Load(const std::string& cert_file,
                                                             const std::string& key_file,
                                                             const std::string& client_ca_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return absl::InternalError("SSL_CTX_new failed");
  std::unique_ptr<TlsContext> context(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load the TLS certificate chain (PEM) from ", cert_file));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("cannot load the TLS private key (PEM) from ",
                                                   key_file, " or it does not match"));
  }
  if (!client_ca_file.empty()) {
    if (absl::Status s = RequireClientCertificates(ctx, client_ca_file); !s.ok()) return s;
  }
  return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

absl::StatusOr<std::unique_ptr<TlsStream>> TlsContext::Accept(int fd, absl::Time deadline) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return absl::UnavailableError("SSL_new failed");
  auto stream = std::make_unique<TlsStream>(ssl, fd);
  SSL_set_fd(ssl, fd);
  while (true) {
    const int result = SSL_accept(ssl);
    if (result == 1) return stream;
    if (absl::Status s = stream->WaitAfter(result, deadline); !s.ok()) return s;
  }
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

absl::Status TlsStream::WaitAfter(int result, absl::Time deadline) {
  const int error = SSL_get_error(ssl_, result);
  ERR_clear_error();
  if (error == SSL_ERROR_WANT_READ) return WaitForFd(fd_, POLLIN, deadline);
  if (error == SSL_ERROR_WANT_WRITE) return WaitForFd(fd_, POLLOUT, deadline);
  return absl::UnavailableError(absl::StrCat("TLS error ", error));
}

absl::StatusOr<size_t> TlsStream::Read(char* buf, size_t n, absl::Time deadline) {
  while (true) {
    const int got = SSL_read(ssl_, buf, static_cast<int>(n));
    if (got > 0) return static_cast<size_t>(got);
    const int error = SSL_get_error(ssl_, got);
    if (error == SSL_ERROR_ZERO_RETURN) return 0;
    if (absl::Status s = WaitAfter(got, deadline); !s.ok()) {
      // An abrupt close without close_notify is treated as the end of the stream.
      if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_SSL) return 0;
      return s;
    }
  }
}

absl::Status TlsStream::Write(absl::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    const int sent = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    if (sent > 0) {
      data.remove_prefix(static_cast<size_t>(sent));
      continue;
    }
    if (absl::Status s = WaitAfter(sent, deadline); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void TlsStream::ShutdownWrite() {
  SSL_shutdown(ssl_);
  shutdown(fd_, SHUT_WR);
}

}  // namespace rms::http
