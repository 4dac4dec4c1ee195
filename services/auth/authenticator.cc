// Token and AK/SK verification, then the project checks.
#include "services/auth/authenticator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "services/auth/sdk_signing.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/crypto/digest.h"

namespace rms::auth {
namespace {

constexpr absl::string_view kBadAccessKey = "invalid access key or signature";

bool Contains(const std::vector<std::string>& names, absl::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

absl::optional<absl::string_view> Header(const SignableRequest& req, absl::string_view name) {
  auto it = req.headers.find(name);
  if (it == req.headers.end()) return absl::nullopt;
  return absl::StripAsciiWhitespace(it->second);
}

// GET and HEAD only read: the official signers add no nonce, so a client repeating the same
// read within one second sends the same signature, legitimately (docs/authentication.md).
bool IsSafeMethod(absl::string_view method) {
  return absl::EqualsIgnoreCase(method, "GET") || absl::EqualsIgnoreCase(method, "HEAD");
}

// NOT_FOUND from the store becomes 401 with `reason`; other errors pass through.
absl::Status LookupError(const absl::Status& status, absl::string_view reason) {
  if (absl::IsNotFound(status)) return errors::Unauthenticated(reason);
  return status;
}

}  // namespace

absl::optional<absl::Time> ParseSdkDate(absl::string_view value) {
  if (value.size() != 16 || value[8] != 'T' || value[15] != 'Z') return absl::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && !absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) return absl::nullopt;
  }
  auto number = [value](size_t pos, size_t len) {
    int out = 0;
    for (char c : value.substr(pos, len)) out = out * 10 + (c - '0');
    return out;
  };
  absl::CivilSecond civil(number(0, 4), number(4, 2), number(6, 2), number(9, 2), number(11, 2),
                          number(13, 2));
  // CivilSecond normalizes (Feb 30 -> Mar 1); a changed field means the date was invalid.
  if (civil.month() != number(4, 2) || civil.day() != number(6, 2) ||
      civil.hour() != number(9, 2) || civil.minute() != number(11, 2) ||
      civil.second() != number(13, 2)) {
    return absl::nullopt;
  }
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

Authenticator::Authenticator(storage::CredentialStore& store, crypto::SecretBox& box,
                             std::function<absl::Time()> clock, ReplayGuard* replay)
    : store_(store), box_(box), clock_(std::move(clock)), replay_(replay) {}

absl::StatusOr<Principal> Authenticator::Authenticate(const SignableRequest& req,
                                                      absl::string_view path_project_id) const {
  storage::CredentialRecord record;
  if (absl::optional<absl::string_view> token = Header(req, "x-auth-token")) {
    ASSIGN_OR_RETURN(record, CheckToken(*token));
  } else if (absl::optional<absl::string_view> auth = Header(req, "authorization")) {
    ASSIGN_OR_RETURN(record, CheckSignature(req, *auth));
  } else {
    return errors::Unauthenticated("send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header");
  }
  if (path_project_id.empty()) return errors::Forbidden("the request names no project");
  absl::optional<absl::string_view> header_project = Header(req, "x-project-id");
  if (header_project && *header_project != path_project_id) {
    return errors::Forbidden("X-Project-Id does not match the project in the path");
  }
  if (record.project_id != path_project_id) {
    return errors::Forbidden("the credentials belong to another project");
  }
  return Principal{record.project_id, record.id, record.kind};
}

absl::StatusOr<storage::CredentialRecord> Authenticator::CheckToken(absl::string_view token) const {
  if (token.empty()) return errors::Unauthenticated("empty X-Auth-Token");
  absl::StatusOr<storage::CredentialRecord> record =
      store_.FindByTokenHash(crypto::Sha256Hex(token));
  if (!record.ok()) return LookupError(record.status(), "invalid token");
  if (record->kind != "token") return errors::Unauthenticated("invalid token");
  RETURN_IF_ERROR(CheckUsable(*record));
  return record;
}

absl::Status Authenticator::CheckUsable(const storage::CredentialRecord& record) const {
  if (record.revoked_at) return errors::Unauthenticated("the credential has been revoked");
  if (record.expires_at && *record.expires_at <= clock_()) {
    return errors::Unauthenticated("the credential has expired");
  }
  return absl::OkStatus();
}

absl::Status Authenticator::CheckDate(const SignableRequest& req,
                                      const SdkAuthorization& auth) const {
  absl::optional<absl::string_view> value = Header(req, "x-sdk-date");
  if (!value) return errors::Unauthenticated("missing X-Sdk-Date");
  if (!Contains(auth.signed_headers, "x-sdk-date")) {
    return errors::Unauthenticated("x-sdk-date must be a signed header");
  }
  if (Header(req, "host") && !Contains(auth.signed_headers, "host")) {
    return errors::Unauthenticated("host must be a signed header");
  }
  absl::optional<absl::Time> date = ParseSdkDate(*value);
  if (!date) return errors::Unauthenticated("X-Sdk-Date must look like 20240101T000000Z");
  if (absl::AbsDuration(clock_() - *date) > kMaxClockSkew) {
    return errors::Unauthenticated("X-Sdk-Date is more than 15 minutes off the server clock");
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::CredentialRecord> Authenticator::CheckSignature(
    const SignableRequest& req, absl::string_view authorization) const {
  absl::optional<SdkAuthorization> auth = ParseAuthorization(authorization);
  if (!auth) return errors::Unauthenticated("malformed SDK-HMAC-SHA256 Authorization header");
  RETURN_IF_ERROR(CheckDate(req, *auth));
  absl::StatusOr<std::string> canonical = CanonicalRequest(req, auth->signed_headers);
  if (!canonical.ok()) return errors::Unauthenticated("a signed header is missing");
  absl::StatusOr<storage::CredentialRecord> record = store_.FindByAccessKey(auth->access_key);
  if (!record.ok()) return LookupError(record.status(), kBadAccessKey);
  if (record->kind != "aksk") return errors::Unauthenticated(kBadAccessKey);
  ASSIGN_OR_RETURN(std::string sk, box_.Open(record->encrypted_secret_key));
  if (sk.empty()) return absl::InternalError("access key has no secret key");
  const absl::string_view sdk_date = *Header(req, "x-sdk-date");
  std::string expected = Sign(sk, StringToSign(sdk_date, *canonical));
  if (!crypto::ConstantTimeEquals(expected, absl::AsciiStrToLower(auth->signature))) {
    return errors::Unauthenticated(kBadAccessKey);
  }
  RETURN_IF_ERROR(CheckUsable(*record));
  if (replay_ != nullptr && !IsSafeMethod(req.method)) {
    // CheckDate accepted the date, so it parses; past date + skew the date check refuses anyway.
    const absl::Time forget_after = *ParseSdkDate(sdk_date) + kMaxClockSkew;
    RETURN_IF_ERROR(replay_->CheckAndRemember(expected, forget_after, clock_()));
  }
  return record;
}

}  // namespace rms::auth
