// ServiceState: the database (embedded or external), the stores over it and the secret key.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/crypto/secret_box.h"
#include "services/server/command_line.h"
#include "storage/embedded_postgres.h"
#include "storage/pg_store.h"

namespace rms::server {

// Owns what every role needs. Destruction closes the pool, then stops the embedded PostgreSQL
// if this process started it, then releases the data-directory lock.
class ServiceState {
 public:
  // Opens the state described by `options`. Without a database URL the embedded cluster under
  // data_dir is started, guarded by an exclusive lock on <data_dir>/migrationd.lock. When the
  // lock is held by another live migrationd: `attach_if_running` (the credentials command)
  // connects to that process's cluster instead; otherwise FAILED_PRECONDITION.
  // The key file is created (0600) on first use.
  static absl::StatusOr<std::unique_ptr<ServiceState>> Open(const DatabaseOptions& options,
                                                            bool attach_if_running);
  ~ServiceState();

  storage::PgStore& store() { return *store_; }
  crypto::SecretBox& secrets() { return *secrets_; }

 private:
  ServiceState() = default;
  absl::Status OpenEmbedded(const DatabaseOptions& options, bool attach_if_running,
                            std::string* url);

  int lock_fd_ = -1;
  std::unique_ptr<storage::EmbeddedPostgres> embedded_;
  std::unique_ptr<storage::PgStore> store_;
  std::unique_ptr<crypto::SecretBox> secrets_;
};

}  // namespace rms::server
