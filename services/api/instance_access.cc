// The ACL user and TLS settings of an instance body, field by field.
#include "services/api/instance_access.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/api/string_fields.h"
#include "services/common/errors.h"
#include "services/crypto/pem_certificates.h"

namespace rms::api {
namespace {

std::string Child(absl::string_view parent, absl::string_view field) {
  return absl::StrCat(parent, ".", field);
}

absl::Status ValidateUsername(absl::string_view field, const v1::InstanceBody& body) {
  const std::string& username = body.username();
  if (username.empty()) return absl::OkStatus();
  const bool printable = std::all_of(username.begin(), username.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte != 0x7f;
  });
  if (username.size() > kMaxUsernameBytes || !printable) {
    return errors::BadValue(Child(field, "username"),
                            absl::StrCat("an ACL user name of at most ", kMaxUsernameBytes,
                                         " bytes without spaces or control characters"));
  }
  if (!body.addrs().empty() && body.password().empty()) {
    return errors::BadValue(Child(field, "username"),
                            "a user name with a password (AUTH username password)");
  }
  return absl::OkStatus();
}

absl::Status ValidateServerName(absl::string_view field, const std::string& name) {
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':';
  });
  if (name.size() > kMaxServerNameBytes || !allowed) {
    return errors::BadValue(field,
                            "a host name or IP address (letters, digits, '-', '.', '_', "
                            "':'; at most 253 bytes)");
  }
  return absl::OkStatus();
}

absl::Status ValidateCaCert(absl::string_view field, const v1::TlsBody& tls) {
  if (tls.ca_cert().empty()) return absl::OkStatus();
  if (tls.ca_cert().size() > kMaxPemBytes) {
    return errors::BadValue(
        field, absl::StrCat("PEM CA certificates of at most ", kMaxPemBytes, " bytes"));
  }
  absl::StatusOr<int> certificates = crypto::CountPemCertificates(tls.ca_cert());
  if (!certificates.ok()) {
    return errors::BadValue(field, absl::StrCat("PEM CA certificates (the text ",
                                                certificates.status().message(), ")"));
  }
  if (tls.insecure_skip_verify()) {
    return errors::BadValue(field,
                            "no CA certificate with insecure_skip_verify (which checks no "
                            "certificate): give one or the other");
  }
  return absl::OkStatus();
}

absl::Status ValidateTls(absl::string_view field, const v1::TlsBody& tls) {
  if (!tls.enabled()) {
    if (!tls.ca_cert().empty() || !tls.server_name().empty() || tls.insecure_skip_verify()) {
      return errors::BadValue(Child(field, "enabled"),
                              "true when ca_cert, server_name or insecure_skip_verify is given "
                              "(settings that would be ignored are refused)");
    }
    return absl::OkStatus();
  }
  if (absl::Status s = ValidateServerName(Child(field, "server_name"), tls.server_name());
      !s.ok()) {
    return s;
  }
  return ValidateCaCert(Child(field, "ca_cert"), tls);
}

}  // namespace

absl::Status ValidateInstanceAccess(absl::string_view field, const v1::InstanceBody& body) {
  if (absl::Status s = ValidateUsername(field, body); !s.ok()) return s;
  if (!body.has_tls()) return absl::OkStatus();
  return ValidateTls(Child(field, "tls"), body.tls());
}

}  // namespace rms::api
