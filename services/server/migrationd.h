// The two things the migrationd binary does: serve, and create credentials.
#pragma once

#include <ostream>

#include "absl/status/status.h"
#include "services/server/command_line.h"

namespace rms::server {

// Runs the roles of `options` until SIGTERM or SIGINT, then shuts down cleanly: stops accepting,
// lets requests in flight finish, closes the database, stops the embedded PostgreSQL.
// Must be called from the main thread before any other thread exists (it blocks the signals).
absl::Status RunServer(const ServerOptions& options);

// Creates a token (or AK/SK with options.aksk) for options.project_id and prints one JSON object
// to `out`: {"project_id", "token"} or {"project_id", "access_key", "secret_key"}.
absl::Status RunCreateCredentials(const CredentialsOptions& options, std::ostream& out);

}  // namespace rms::server
