// `migrationd credentials create|list|revoke`: API credentials managed from the command line.
#pragma once

#include <ostream>

#include "absl/status/status.h"
#include "services/server/command_line.h"

namespace rms::server {

// Each command opens the state of options.database (attaching to a running embedded PostgreSQL)
// and prints one JSON document to `out`. Secrets are printed only by create, only this once.

// Creates a token (or AK/SK with options.aksk), expiring after options.expires_in when finite:
// {"project_id", "credential_id", "token"} or
// {"project_id", "credential_id", "access_key", "secret_key"}, plus "expires_at" when set.
absl::Status RunCreateCredentials(const CredentialsOptions& options, std::ostream& out);

// The project's credentials, oldest first, as a JSON array of
// {"credential_id", "kind" ("token" | "aksk"), "access_key" (aksk only), "created_at",
//  "expires_at" (null: never), "revoked", "revoked_at" (null unless revoked)}; times in RFC 3339
// UTC. Never a secret or a token hash.
absl::Status RunListCredentials(const CredentialsOptions& options, std::ostream& out);

// Revokes options.credential_id of options.project_id and prints
// {"project_id", "credential_id", "revoked": true, "revoked_at"}. Revoking twice keeps the first
// time. NOT_FOUND when the project has no such credential.
absl::Status RunRevokeCredentials(const CredentialsOptions& options, std::ostream& out);

}  // namespace rms::server
