// CredentialStore: API tokens (hashed) and access keys (secret encrypted), scoped to a project.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/records.h"

namespace rms::storage {

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // ALREADY_EXISTS on a clash of id, token hash or access key.
  virtual absl::Status CreateCredential(const CredentialRecord& credential) = 0;
  // NOT_FOUND when no token has this hash.
  virtual absl::StatusOr<CredentialRecord> FindByTokenHash(absl::string_view token_sha256) = 0;
  // NOT_FOUND when the access key is unknown.
  virtual absl::StatusOr<CredentialRecord> FindByAccessKey(absl::string_view access_key) = 0;
  // Every credential of the project, oldest first, revoked and expired ones included.
  virtual absl::StatusOr<std::vector<CredentialRecord>> ListCredentials(
      absl::string_view project_id) = 0;
  // Marks the credential revoked at `now` (a second call keeps the first time) and returns it.
  // NOT_FOUND when the project has no credential `credential_id`.
  virtual absl::StatusOr<CredentialRecord> RevokeCredential(absl::string_view project_id,
                                                            absl::string_view credential_id,
                                                            absl::Time now) = 0;
};

}  // namespace rms::storage
