// CredentialStore: API tokens (hashed) and access keys (secret encrypted), scoped to a project.
#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
};

}  // namespace rms::storage
