// The server of migrationd: the API and worker roles (the credentials commands are apart).
#pragma once

#include "absl/status/status.h"
#include "services/server/command_line.h"

namespace rms::server {

// Runs the roles of `options` until SIGTERM or SIGINT, then shuts down cleanly: stops accepting,
// lets requests in flight finish, closes the database, stops the embedded PostgreSQL.
// Must be called from the main thread before any other thread exists (it blocks the signals).
absl::Status RunServer(const ServerOptions& options);

}  // namespace rms::server
