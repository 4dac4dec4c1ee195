// PgVerificationStore: verifications in PostgreSQL, claimed with SKIP LOCKED, fenced by epoch.
#include "storage/pg_verification_store.h"

#include <pqxx/result>
#include <pqxx/row>
#include <pqxx/transaction>

#include "absl/strings/str_cat.h"
#include "storage/pg_rows.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

absl::Status LeaseLost(absl::string_view id, int64_t epoch) {
  return absl::AbortedError(absl::StrCat("verification ", id, " at epoch ", epoch,
                                         " is no longer held (taken over, finished or deleted)"));
}

int64_t Micros(absl::Duration d) { return absl::ToInt64Microseconds(d); }

}  // namespace

absl::Status PgVerificationStore::CreateVerification(const VerificationRecord& v) {
  return pool_.Run("CreateVerification", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(sql::kInsertVerification, v.id, v.task_id, v.project_id, v.mode,
                                    v.sample_keys, v.ttl_tolerance_s, v.max_source_ops_per_s,
                                    MicrosOrNow(v.created_at));
    if (r.affected_rows() != 1) {
      return absl::NotFoundError(absl::StrCat("task ", v.task_id, " does not exist"));
    }
    tx.exec_params(sql::kNotifyTask, kVerificationChannel, v.id);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<VerificationRecord> PgVerificationStore::GetVerification(
    absl::string_view project_id, absl::string_view task_id, absl::string_view id) {
  return pool_.Run(
      "GetVerification", [&](pqxx::connection& c) -> absl::StatusOr<VerificationRecord> {
        pqxx::read_transaction tx(c);
        pqxx::result rows = tx.exec_params(sql::kSelectVerification, std::string(project_id),
                                           std::string(task_id), std::string(id));
        if (rows.empty()) {
          return absl::NotFoundError(absl::StrCat("verification ", id, " does not exist"));
        }
        return VerificationFromRow(rows[0]);
      });
}

absl::StatusOr<std::optional<VerificationRecord>> PgVerificationStore::ClaimVerification(
    absl::string_view owner, absl::Duration ttl) {
  return pool_.Run("ClaimVerification",
                   [&](pqxx::connection& c) -> absl::StatusOr<std::optional<VerificationRecord>> {
                     pqxx::work tx(c);
                     pqxx::result rows =
                         tx.exec_params(sql::kClaimVerification, std::string(owner), Micros(ttl));
                     tx.commit();
                     if (rows.empty()) return std::nullopt;
                     return VerificationFromRow(rows[0]);
                   });
}

absl::Status PgVerificationStore::WriteVerificationProgress(
    absl::string_view id, int64_t epoch, const VerificationCounts& counts,
    const std::vector<VerificationExample>& examples, absl::Duration ttl) {
  return pool_.Run("WriteVerificationProgress", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec_params(sql::kWriteVerificationProgress, std::string(id), epoch, counts.keys_checked,
                       counts.missing, counts.extra, counts.value_mismatch, counts.ttl_mismatch,
                       counts.type_mismatch, ExamplesToJson(examples), Micros(ttl));
    tx.commit();
    return r.affected_rows() == 1 ? absl::OkStatus() : LeaseLost(id, epoch);
  });
}

absl::Status PgVerificationStore::FinishVerification(
    absl::string_view id, int64_t epoch, absl::string_view status, const VerificationCounts& counts,
    const std::vector<VerificationExample>& examples, absl::string_view error) {
  return pool_.Run("FinishVerification", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        sql::kFinishVerification, std::string(id), epoch, counts.keys_checked, counts.missing,
        counts.extra, counts.value_mismatch, counts.ttl_mismatch, counts.type_mismatch,
        ExamplesToJson(examples), std::string(status), std::string(error));
    tx.commit();
    return r.affected_rows() == 1 ? absl::OkStatus() : LeaseLost(id, epoch);
  });
}

absl::Status PgVerificationStore::ReleaseVerification(absl::string_view id, int64_t epoch) {
  return pool_.Run("ReleaseVerification", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(sql::kReleaseVerification, std::string(id), epoch);
    tx.commit();
    return r.affected_rows() == 1 ? absl::OkStatus() : LeaseLost(id, epoch);
  });
}

absl::StatusOr<std::map<std::string, int64_t>> PgVerificationStore::CountVerificationsByStatus() {
  return pool_.Run("CountVerificationsByStatus",
                   [&](pqxx::connection& c) -> absl::StatusOr<std::map<std::string, int64_t>> {
                     pqxx::read_transaction tx(c);
                     std::map<std::string, int64_t> counts;
                     for (const pqxx::row& row : tx.exec(sql::kCountVerificationsByStatus)) {
                       counts[row[0].as<std::string>()] = row[1].as<int64_t>();
                     }
                     return counts;
                   });
}

}  // namespace rms::storage
