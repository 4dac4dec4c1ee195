// Authenticator: turns the credentials on a request (token or AK/SK signature) into a Principal.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "services/auth/replay_guard.h"
#include "services/auth/sdk_signing.h"
#include "services/crypto/secret_box.h"
#include "storage/credential_store.h"

namespace rms::auth {

// Who made a request.
struct Principal {
  std::string project_id;
  std::string credential_id;
  std::string kind;  // as in CredentialRecord: "token" | "aksk"
};

// Checks the credentials of one request, for the REST gateway and the gRPC server alike.
//
// Accepted credentials (the first present wins):
//  1. `X-Auth-Token: <token>`: the token's SHA-256 hex must name a "token" credential.
//  2. `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>` with
//     `X-Sdk-Date: YYYYMMDDTHHMMSSZ` at most 15 minutes off the clock. SignedHeaders must include
//     x-sdk-date, and host when the request carries a Host header. The signature is recomputed
//     with the access key's decrypted secret (see sdk_signing.h) and compared in constant time.
// An `X-Project-Id` header, when present, must equal the project of the path. A revoked or
// expired credential is refused; every request reads the credential from the store (no cache), so
// a revocation applies to the next request of every process.
// With a ReplayGuard, a verified signature of a request other than GET or HEAD is accepted once:
// the same signature again (within the skew window) is refused as replayed.
//
// gRPC: callers send the same headers as metadata (lower-case keys: "x-auth-token",
// "authorization", "x-sdk-date", "x-project-id"; "host" is optional there). For AK/SK over gRPC
// the canonical request uses method "POST", path = the full method name
// ("/rms.v1.MigrationService/ShowTask"), an empty query, and body = the request message
// serialized deterministically (SerializeToString with deterministic output); the server passes
// those bytes in SignableRequest.body. The project to check is the request's project_id field.
class Authenticator {
 public:
  static constexpr absl::Duration kMaxClockSkew = absl::Minutes(15);

  // `store`, `box` and `replay` (may be null: no replay refusal) must outlive the
  // Authenticator; `clock` returns the current time.
  Authenticator(storage::CredentialStore& store, crypto::SecretBox& box,
                std::function<absl::Time()> clock, ReplayGuard* replay = nullptr);

  // The principal behind `req`, which targets project `path_project_id`.
  // Errors: UNAUTHENTICATED (DCS.4010) for missing, unknown or malformed credentials, a bad
  // signature, a date off by more than 15 minutes, a revoked or expired credential, or a replayed
  // signature; PERMISSION_DENIED (DCS.4030) when the
  // credentials belong to another project, `path_project_id` is empty, or X-Project-Id differs
  // from it. Storage errors other than NOT_FOUND, and a secret that fails to decrypt
  // (DATA_LOSS), are returned unchanged. Messages never contain a token or a key.
  // Thread-safe if the store is.
  absl::StatusOr<Principal> Authenticate(const SignableRequest& req,
                                         absl::string_view path_project_id) const;

 private:
  absl::StatusOr<storage::CredentialRecord> CheckToken(absl::string_view token) const;
  absl::StatusOr<storage::CredentialRecord> CheckSignature(const SignableRequest& req,
                                                           absl::string_view authorization) const;
  absl::Status CheckDate(const SignableRequest& req, const SdkAuthorization& auth) const;
  // UNAUTHENTICATED when `record` is revoked or expired at the clock's now.
  absl::Status CheckUsable(const storage::CredentialRecord& record) const;

  storage::CredentialStore& store_;
  crypto::SecretBox& box_;
  std::function<absl::Time()> clock_;
  ReplayGuard* replay_;
};

// Parses an X-Sdk-Date value ("20240101T000000Z", UTC); nullopt unless exactly that form.
absl::optional<absl::Time> ParseSdkDate(absl::string_view value);

}  // namespace rms::auth
