// WorkerRole: the engine workers of migrationd with their own, bounded database connections.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/crypto/secret_box.h"
#include "services/worker/engine_limits.h"
#include "services/worker/verification_runner.h"
#include "services/worker/worker_pool.h"
#include "storage/pg_pool.h"
#include "storage/pg_worker_store.h"

namespace rms::server {

// The workers do not share the API's pool: their calls are bounded (connect, TCP, statement
// and a client-side call deadline), and lease renewals have a pool of their own so that they
// never wait behind stats, checkpoints or API requests.
class WorkerRole {
 public:
  // Builds the verification slots' work over the role's worker store (called once, in Start).
  using VerificationWorkFactory =
      std::function<worker::VerificationWork(storage::WorkerStore& worker_store)>;

  // Starts `slots` task slots on `database_url` (online migrations under `limits`, whose budget
  // must outlive the role; claims under `claim_policy`), and a verification slot when
  // `verification_work` is set.
  static absl::StatusOr<std::unique_ptr<WorkerRole>> Start(
      const std::string& database_url, int slots, const crypto::SecretBox& secrets,
      std::string import_dir, worker::EngineLimits limits, std::string owner_prefix,
      storage::ClaimPolicy claim_policy,
      const VerificationWorkFactory& verification_work = nullptr);
  ~WorkerRole();
  // Running tasks keep their status and release their leases.
  void Stop();

 private:
  WorkerRole() = default;
  std::unique_ptr<storage::PgPool> pool_;
  std::unique_ptr<storage::PgPool> lease_pool_;
  std::unique_ptr<storage::PgWorkerStore> store_;
  std::unique_ptr<worker::WorkerPool> workers_;
};

}  // namespace rms::server
