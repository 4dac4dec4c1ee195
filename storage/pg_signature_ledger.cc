// PgSignatureLedger: one INSERT ... ON CONFLICT DO NOTHING per accepted signature, and a purge.
#include "storage/pg_signature_ledger.h"

#include <pqxx/result>
#include <pqxx/transaction>
#include <string>

#include "storage/sql_queries.h"

namespace rms::storage {

absl::StatusOr<bool> PgSignatureLedger::Remember(absl::string_view signature,
                                                 absl::Time forget_after) {
  // Not retried: a retry after a commit whose outcome was lost would report a replay.
  return pool_.Run("RememberSignature", [&](pqxx::connection& c) -> absl::StatusOr<bool> {
    pqxx::work tx(c);
    pqxx::result rows = tx.exec_params(sql::kRememberSignature, std::string(signature),
                                       absl::ToUnixMicros(forget_after));
    tx.commit();
    return !rows.empty();
  });
}

absl::StatusOr<int64_t> PgSignatureLedger::ForgetBefore(absl::Time now) {
  return pool_.RunIdempotent(
      "ForgetSignatures", [&](pqxx::connection& c) -> absl::StatusOr<int64_t> {
        pqxx::work tx(c);
        pqxx::result r = tx.exec_params(sql::kForgetSignatures, absl::ToUnixMicros(now));
        tx.commit();
        return static_cast<int64_t>(r.affected_rows());
      });
}

}  // namespace rms::storage
