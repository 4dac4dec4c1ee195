// The credentials subcommands of migrationd: issue, list and revoke, printing JSON.
#include "services/server/credentials_commands.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/auth/credential_issuer.h"
#include "services/common/status_macros.h"
#include "services/server/service_state.h"

namespace rms::server {
namespace {

nlohmann::json TimeJson(const std::optional<absl::Time>& time) {
  if (!time) return nullptr;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *time, absl::UTCTimeZone());
}

nlohmann::json CredentialJson(const storage::CredentialRecord& record) {
  nlohmann::json row{{"credential_id", record.id},
                     {"kind", record.kind},
                     {"created_at", TimeJson(record.created_at)},
                     {"expires_at", TimeJson(record.expires_at)},
                     {"revoked", record.revoked_at.has_value()},
                     {"revoked_at", TimeJson(record.revoked_at)}};
  if (record.kind == "aksk") row["access_key"] = record.access_key;  // an id, not a secret
  return row;
}

}  // namespace

absl::Status RunCreateCredentials(const CredentialsOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceState> state,
                   ServiceState::Open(options.database, /*attach_if_running=*/true));
  const absl::Time now = absl::Now();
  nlohmann::json printed{{"project_id", options.project_id}};
  if (options.aksk) {
    ASSIGN_OR_RETURN(auth::IssuedAccessKey key,
                     auth::IssueAccessKey(state->store(), state->secrets(), options.project_id, now,
                                          options.expires_in));
    printed["credential_id"] = key.credential_id;
    printed["access_key"] = key.access_key;
    printed["secret_key"] = key.secret_key;
  } else {
    ASSIGN_OR_RETURN(auth::IssuedToken token,
                     auth::IssueToken(state->store(), options.project_id, now, options.expires_in));
    printed["credential_id"] = token.credential_id;
    printed["token"] = token.token;
  }
  if (options.expires_in != absl::InfiniteDuration()) {
    printed["expires_at"] = TimeJson(now + options.expires_in);
  }
  out << printed.dump() << std::endl;
  return absl::OkStatus();
}

absl::Status RunListCredentials(const CredentialsOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceState> state,
                   ServiceState::Open(options.database, /*attach_if_running=*/true));
  ASSIGN_OR_RETURN(std::vector<storage::CredentialRecord> records,
                   state->store().ListCredentials(options.project_id));
  nlohmann::json printed = nlohmann::json::array();
  for (const storage::CredentialRecord& record : records) printed.push_back(CredentialJson(record));
  out << printed.dump() << std::endl;
  return absl::OkStatus();
}

absl::Status RunRevokeCredentials(const CredentialsOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceState> state,
                   ServiceState::Open(options.database, /*attach_if_running=*/true));
  ASSIGN_OR_RETURN(
      storage::CredentialRecord record,
      state->store().RevokeCredential(options.project_id, options.credential_id, absl::Now()));
  nlohmann::json printed{{"project_id", record.project_id},
                         {"credential_id", record.id},
                         {"revoked", true},
                         {"revoked_at", TimeJson(record.revoked_at)}};
  out << printed.dump() << std::endl;
  return absl::OkStatus();
}

}  // namespace rms::server
