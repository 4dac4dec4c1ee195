// TlsClient: OpenSSL's client handshake, reads and writes, one non-blocking step at a time.
#include "services/engine/net/tls_client.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "services/engine/net/socket_bio.h"

namespace rms::engine::net {
namespace {

bool IsIpLiteral(const std::string& name) {
  unsigned char address[16];
  return inet_pton(AF_INET, name.c_str(), address) == 1 ||
         inet_pton(AF_INET6, name.c_str(), address) == 1;
}

// Adds every certificate of the PEM text `pem` to the trust store of `ctx`; false when it holds
// none (or one that does not parse).
bool TrustPem(SSL_CTX* ctx, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return false;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  bool ok = true;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    ok = ok && X509_STORE_add_cert(store, cert) == 1;
    X509_free(cert);
    ++added;
  }
  BIO_free(bio);
  ERR_clear_error();  // the read past the last certificate leaves "no start line"
  return ok && added > 0;
}

// Which name the certificate must carry; an IP literal is matched against its IP addresses.
void CheckServerName(SSL* ssl, const std::string& name) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (IsIpLiteral(name)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    return;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsClient>> TlsClient::Create(int fd, const TlsSettings& settings,
                                                             const std::string& host,
                                                             const std::string& peer) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return absl::UnavailableError("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // A peer that closes without close_notify ends the stream like a TCP close does.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!settings.insecure_skip_verify) {
    const bool trusted = settings.ca_cert.empty() ? SSL_CTX_set_default_verify_paths(ctx) == 1
                                                  : TrustPem(ctx, settings.ca_cert);
    if (!trusted) {
      SSL_CTX_free(ctx);
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat(
          "the TLS CA certificate for ", peer, " is not a PEM certificate (or cannot be loaded)"));
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  SSL* ssl = SSL_new(ctx);
  BIO* bio = ssl != nullptr ? NewSocketBio(fd) : nullptr;
  if (bio == nullptr) {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return absl::UnavailableError("cannot create a TLS session");
  }
  std::unique_ptr<TlsClient> client(new TlsClient(ctx, ssl, peer));
  SSL_set_bio(ssl, bio, bio);
  SSL_set_connect_state(ssl);
  const std::string& name = settings.server_name.empty() ? host : settings.server_name;
  // SNI carries host names only (RFC 6066: no IP literals).
  if (!IsIpLiteral(name)) SSL_set_tlsext_host_name(ssl, name.c_str());
  if (!settings.insecure_skip_verify) CheckServerName(ssl, name);
  return client;
}

TlsClient::~TlsClient() {
  SSL_free(ssl_);
  SSL_CTX_free(ctx_);
}

absl::StatusOr<TlsClient::Progress> TlsClient::Outcome(int result, absl::string_view what) {
  const int saved_errno = errno;
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ) return Progress{0, POLLIN};
  if (error == SSL_ERROR_WANT_WRITE) return Progress{0, POLLOUT};
  if (error == SSL_ERROR_ZERO_RETURN) return Progress{0, 0};
  std::string reason;
  const long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    reason = absl::StrCat("the server certificate does not verify (",
                          X509_verify_cert_error_string(verify), ")");
  } else if (unsigned long code = ERR_peek_last_error(); code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    reason = text;
  } else if (error == SSL_ERROR_SYSCALL && saved_errno != 0) {
    reason = std::strerror(saved_errno);
  } else {
    reason = absl::StrCat("connection closed (TLS error ", error, ")");
  }
  ERR_clear_error();
  return absl::UnavailableError(absl::StrCat(what, " ", peer_, " failed: ", reason));
}

absl::StatusOr<TlsClient::Progress> TlsClient::Handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) return Progress{};
  absl::StatusOr<Progress> progress = Outcome(result, "TLS handshake with");
  if (progress.ok() && progress->want == 0) {
    return absl::UnavailableError(
        absl::StrCat("TLS handshake with ", peer_, " failed: the server closed the connection"));
  }
  return progress;
}

absl::StatusOr<TlsClient::Progress> TlsClient::Read(char* out, size_t max) {
  ERR_clear_error();
  size_t n = 0;
  const int result = SSL_read_ex(ssl_, out, max, &n);
  if (result == 1) return Progress{n, 0};
  return Outcome(result, "TLS read from");
}

absl::StatusOr<TlsClient::Progress> TlsClient::Write(absl::string_view data) {
  ERR_clear_error();
  size_t n = 0;
  const int result = SSL_write_ex(ssl_, data.data(), data.size(), &n);
  if (result == 1) return Progress{n, 0};
  absl::StatusOr<Progress> progress = Outcome(result, "TLS write to");
  if (progress.ok() && progress->want == 0) {
    return absl::UnavailableError(
        absl::StrCat("TLS write to ", peer_, " failed: the server closed the connection"));
  }
  return progress;
}

}  // namespace rms::engine::net
