// A map-backed CredentialStore for unit tests, with an injectable failure.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "storage/credential_store.h"

namespace rms::auth {

class InMemoryCredentialStore : public storage::CredentialStore {
 public:
  absl::Status CreateCredential(const storage::CredentialRecord& credential) override {
    if (!fail_with_.ok()) return fail_with_;
    for (const storage::CredentialRecord& row : rows_) {
      if (row.id == credential.id ||
          (!row.token_sha256.empty() && row.token_sha256 == credential.token_sha256) ||
          (!row.access_key.empty() && row.access_key == credential.access_key)) {
        return absl::AlreadyExistsError("credential clash");
      }
    }
    rows_.push_back(credential);
    return absl::OkStatus();
  }
  absl::StatusOr<storage::CredentialRecord> FindByTokenHash(
      absl::string_view token_sha256) override {
    return Find([&](const auto& row) { return row.token_sha256 == token_sha256; });
  }
  absl::StatusOr<storage::CredentialRecord> FindByAccessKey(absl::string_view access_key) override {
    return Find([&](const auto& row) { return row.access_key == access_key; });
  }

  absl::StatusOr<std::vector<storage::CredentialRecord>> ListCredentials(
      absl::string_view project_id) override {
    if (!fail_with_.ok()) return fail_with_;
    std::vector<storage::CredentialRecord> out;
    for (const storage::CredentialRecord& row : rows_) {
      if (row.project_id == project_id) out.push_back(row);
    }
    return out;
  }
  absl::StatusOr<storage::CredentialRecord> RevokeCredential(absl::string_view project_id,
                                                             absl::string_view credential_id,
                                                             absl::Time now) override {
    if (!fail_with_.ok()) return fail_with_;
    for (storage::CredentialRecord& row : rows_) {
      if (row.project_id != project_id || row.id != credential_id) continue;
      if (!row.revoked_at) row.revoked_at = now;
      return row;
    }
    return absl::NotFoundError("no such credential");
  }

  // Every call fails with `status` from now on (OK restores normal behaviour).
  void FailWithForTest(absl::Status status) { fail_with_ = std::move(status); }
  const std::vector<storage::CredentialRecord>& rows() const { return rows_; }

 private:
  template <typename Pred>
  absl::StatusOr<storage::CredentialRecord> Find(Pred pred) {
    if (!fail_with_.ok()) return fail_with_;
    for (const storage::CredentialRecord& row : rows_) {
      if (pred(row)) return row;
    }
    return absl::NotFoundError("no such credential");
  }

  std::vector<storage::CredentialRecord> rows_;
  absl::Status fail_with_;
};

}  // namespace rms::auth
