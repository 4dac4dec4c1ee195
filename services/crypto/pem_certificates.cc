// CountPemCertificates: OpenSSL's PEM reader over the text, certificate by certificate.
#include "services/crypto/pem_certificates.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/match.h"

namespace rms::crypto {
namespace {

constexpr absl::string_view kBegin = "-----BEGIN CERTIFICATE-----";

int CountMarkers(absl::string_view pem) {
  int count = 0;
  for (size_t at = pem.find(kBegin); at != absl::string_view::npos;
       at = pem.find(kBegin, at + kBegin.size())) {
    ++count;
  }
  return count;
}

}  // namespace

absl::StatusOr<int> CountPemCertificates(absl::string_view pem) {
  if (absl::StrContains(pem, "PRIVATE KEY-----")) {
    return absl::InvalidArgumentError("holds a private key: give only CA certificates");
  }
  if (!absl::StrContains(pem, kBegin)) {
    return absl::InvalidArgumentError("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::ResourceExhaustedError("out of memory reading a certificate");
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_free(cert);
    ++count;
  }
  // The read past the last certificate fails with "no start line"; anything else is a bad block.
  const unsigned long error = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  BIO_free(bio);
  if (count == 0 || !clean_end || count != CountMarkers(pem)) {
    return absl::InvalidArgumentError("holds a certificate block that is not a valid certificate");
  }
  return count;
}

}  // namespace rms::crypto
