// PgStore's CredentialStore: hashed tokens and access keys in table `credentials`.
#include <pqxx/result>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/pg_rows.h"
#include "storage/pg_store.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

// The single credential `query` finds for `key`, or NOT_FOUND naming `what` (never the key: a
// token hash or access key is not echoed into messages).
absl::StatusOr<CredentialRecord> FindOne(PgPool& pool, const char* query, absl::string_view key,
                                         const char* what) {
  return pool.Run("FindCredential",
                  [&](pqxx::connection& connection) -> absl::StatusOr<CredentialRecord> {
                    pqxx::read_transaction tx(connection);
                    pqxx::result rows = tx.exec_params(query, std::string(key));
                    if (rows.empty()) return absl::NotFoundError(what);
                    return CredentialFromRow(rows[0]);
                  });
}

}  // namespace

absl::Status PgStore::CreateCredential(const CredentialRecord& credential) {
  return pool_->Run("CreateCredential", [&](pqxx::connection& connection) -> absl::Status {
    pqxx::work tx(connection);
    tx.exec_params(sql::kInsertCredential, credential.id, credential.project_id, credential.kind,
                   credential.token_sha256, credential.access_key, credential.encrypted_secret_key,
                   MicrosOrNow(credential.created_at), MicrosOrNull(credential.expires_at));
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<CredentialRecord> PgStore::FindByTokenHash(absl::string_view token_sha256) {
  if (token_sha256.empty()) return absl::NotFoundError("no token has an empty hash");
  return FindOne(*pool_, sql::kSelectCredentialByToken, token_sha256, "unknown token");
}

absl::StatusOr<CredentialRecord> PgStore::FindByAccessKey(absl::string_view access_key) {
  if (access_key.empty()) return absl::NotFoundError("empty access key");
  return FindOne(*pool_, sql::kSelectCredentialByAccessKey, access_key, "unknown access key");
}

absl::StatusOr<std::vector<CredentialRecord>> PgStore::ListCredentials(
    absl::string_view project_id) {
  return pool_->Run(
      "ListCredentials",
      [&](pqxx::connection& connection) -> absl::StatusOr<std::vector<CredentialRecord>> {
        pqxx::read_transaction tx(connection);
        std::vector<CredentialRecord> out;
        for (const pqxx::row& row :
             tx.exec_params(sql::kListCredentials, std::string(project_id))) {
          out.push_back(CredentialFromRow(row));
        }
        return out;
      });
}

absl::StatusOr<CredentialRecord> PgStore::RevokeCredential(absl::string_view project_id,
                                                           absl::string_view credential_id,
                                                           absl::Time now) {
  return pool_->Run(
      "RevokeCredential", [&](pqxx::connection& connection) -> absl::StatusOr<CredentialRecord> {
        pqxx::work tx(connection);
        pqxx::result rows = tx.exec_params(sql::kRevokeCredential, std::string(project_id),
                                           std::string(credential_id), MicrosOrNow(now));
        tx.commit();
        if (rows.empty()) {
          return absl::NotFoundError(absl::StrCat("credential ", credential_id,
                                                  " does not exist in project ", project_id));
        }
        return CredentialFromRow(rows[0]);
      });
}

}  // namespace rms::storage
