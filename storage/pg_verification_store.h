// PgVerificationStore: VerificationStore over PostgreSQL (table `verifications`).
#pragma once

#include "storage/pg_pool.h"
#include "storage/verification_store.h"

namespace rms::storage {

// VerificationStore over the shared pool. Besides the documented codes, UNAVAILABLE when the
// database is unreachable (see pg_errors.h).
class PgVerificationStore final : public VerificationStore {
 public:
  explicit PgVerificationStore(PgPool& pool) : pool_(pool) {}

  absl::Status CreateVerification(const VerificationRecord& verification) override;
  absl::StatusOr<VerificationRecord> GetVerification(absl::string_view project_id,
                                                     absl::string_view task_id,
                                                     absl::string_view id) override;
  absl::StatusOr<std::optional<VerificationRecord>> ClaimVerification(absl::string_view owner,
                                                                      absl::Duration ttl) override;
  absl::Status WriteVerificationProgress(absl::string_view id, int64_t epoch,
                                         const VerificationCounts& counts,
                                         const std::vector<VerificationExample>& examples,
                                         absl::Duration ttl) override;
  absl::Status FinishVerification(absl::string_view id, int64_t epoch, absl::string_view status,
                                  const VerificationCounts& counts,
                                  const std::vector<VerificationExample>& examples,
                                  absl::string_view error) override;
  absl::Status ReleaseVerification(absl::string_view id, int64_t epoch) override;
  absl::StatusOr<std::map<std::string, int64_t>> CountVerificationsByStatus() override;

 private:
  PgPool& pool_;
};

}  // namespace rms::storage
