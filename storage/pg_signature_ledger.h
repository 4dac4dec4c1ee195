// PgSignatureLedger: the SignatureLedger in table seen_signatures (INSERT ... ON CONFLICT).
#pragma once

#include "storage/pg_pool.h"
#include "storage/signature_ledger.h"

namespace rms::storage {

// Besides the documented results, UNAVAILABLE when the database is unreachable (pg_errors.h).
class PgSignatureLedger final : public SignatureLedger {
 public:
  // `pool` must outlive the ledger.
  explicit PgSignatureLedger(PgPool& pool) : pool_(pool) {}

  absl::StatusOr<bool> Remember(absl::string_view signature, absl::Time forget_after) override;
  absl::StatusOr<int64_t> ForgetBefore(absl::Time now) override;

 private:
  PgPool& pool_;
};

}  // namespace rms::storage
