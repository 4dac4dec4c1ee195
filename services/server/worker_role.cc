// WorkerRole: opens the worker's bounded pools, then starts the task slots.
#include "services/server/worker_role.h"

#include "services/common/status_macros.h"
#include "services/worker/job_factory.h"

namespace rms::server {
namespace {

// Bounds for calls that must fail fast rather than hang: a renewal has a third of the TTL.
storage::PgBounds Bounds(absl::Duration call_timeout) {
  storage::PgBounds bounds;
  bounds.call_timeout = call_timeout;
  bounds.statement_timeout = call_timeout - absl::Seconds(1);
  return bounds;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerRole>> WorkerRole::Start(
    const std::string& database_url, int slots, const crypto::SecretBox& secrets,
    std::string import_dir, worker::EngineLimits limits, std::string owner_prefix,
    storage::ClaimPolicy claim_policy, const VerificationWorkFactory& verification_work) {
  std::unique_ptr<WorkerRole> role(new WorkerRole());
  worker::WorkerPoolOptions options{slots, std::move(owner_prefix), {}, absl::Seconds(5)};
  ASSIGN_OR_RETURN(role->pool_,
                   storage::PgPool::Create(database_url, slots + 1, Bounds(absl::Seconds(10))));
  ASSIGN_OR_RETURN(role->lease_pool_,
                   storage::PgPool::Create(database_url, slots, Bounds(options.lease.ttl / 3)));
  role->store_ =
      std::make_unique<storage::PgWorkerStore>(*role->pool_, *role->lease_pool_, claim_policy);
  role->workers_ = std::make_unique<worker::WorkerPool>(
      *role->store_, role->pool_->url(),
      worker::MakeJobFactory(*role->store_, secrets, std::move(import_dir), limits),
      std::move(options),
      verification_work ? verification_work(*role->store_) : nullptr);
  role->workers_->Start();
  return role;
}

WorkerRole::~WorkerRole() { Stop(); }

void WorkerRole::Stop() {
  if (workers_) workers_->Stop();
}

}  // namespace rms::server
