// Issues new API credentials for a project: tokens and AK/SK pairs, stored hashed or sealed.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/crypto/secret_box.h"
#include "storage/credential_store.h"

namespace rms::auth {

// A new token; `token` is the only copy of the plaintext (the store keeps its SHA-256).
struct IssuedToken {
  std::string credential_id;
  std::string token;  // "rms_" + 64 hex characters
};

// A new access key; `secret_key` is the only plaintext copy (the store keeps it sealed).
struct IssuedAccessKey {
  std::string credential_id;
  std::string access_key;  // 20 characters A-Z 0-9
  std::string secret_key;  // 40 characters A-Z a-z 0-9
};

// Creates a token credential for `project_id` at time `now` and returns its plaintext once. It
// expires at now + `lifetime` (never when infinite). INVALID_ARGUMENT if `project_id` is empty
// or `lifetime` is not positive; store errors (e.g. ALREADY_EXISTS) pass through; INTERNAL if
// the CSPRNG fails. Writes one row through CredentialStore::CreateCredential.
absl::StatusOr<IssuedToken> IssueToken(storage::CredentialStore& store,
                                       absl::string_view project_id, absl::Time now,
                                       absl::Duration lifetime = absl::InfiniteDuration());

// Creates an AK/SK credential for `project_id` at time `now`; the SK is sealed with `box`.
// Lifetime and errors as for IssueToken, plus Seal's errors.
absl::StatusOr<IssuedAccessKey> IssueAccessKey(storage::CredentialStore& store,
                                               const crypto::SecretBox& box,
                                               absl::string_view project_id, absl::Time now,
                                               absl::Duration lifetime = absl::InfiniteDuration());

}  // namespace rms::auth
