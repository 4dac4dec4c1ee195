// PgWorkerStore and PgTaskNotifier: the worker side of storage over PostgreSQL.
#pragma once

#include <memory>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/pg_pool.h"
#include "storage/worker_store.h"

namespace rms::storage {

// How ClaimTask chooses among claimable tasks (docs/architecture.md, "Claim fairness"): the
// project with the fewest live leases first, then the task waiting longest.
struct ClaimPolicy {
  // Live leases one project may hold at once; a project at its cap is skipped (a TERMINATING
  // task excepted). 0 = no cap.
  int max_running_per_project = 0;
};

// WorkerStore over PostgreSQL. Besides the documented codes, UNAVAILABLE when the database is
// unreachable (see pg_errors.h). Claims are serialised by an advisory lock, so fairness and the
// cap hold across every worker process. Idempotent calls are tried once more on a new connection
// when the first finds the connection broken (a database restart). RenewLease runs on `lease_pool`,
// so that renewals never wait behind other calls for a connection.
class PgWorkerStore final : public WorkerStore {
 public:
  explicit PgWorkerStore(PgPool& pool, ClaimPolicy policy = {})
      : pool_(pool), lease_pool_(pool), policy_(policy) {}
  PgWorkerStore(PgPool& pool, PgPool& lease_pool, ClaimPolicy policy = {})
      : pool_(pool), lease_pool_(lease_pool), policy_(policy) {}

  absl::StatusOr<std::optional<TaskRecord>> ClaimTask(absl::string_view owner,
                                                      absl::Duration ttl) override;
  absl::StatusOr<TaskRecord> RenewLease(absl::string_view task_id, int64_t epoch,
                                        absl::Duration ttl) override;
  absl::StatusOr<TaskRecord> UpdateLeasedTask(absl::string_view task_id, int64_t epoch,
                                              const TaskMutation& mutate) override;
  absl::Status ReleaseLease(absl::string_view task_id, int64_t epoch) override;
  absl::Status WriteStats(absl::string_view task_id, int64_t epoch,
                          absl::string_view stats_json) override;
  absl::Status WriteCheckpoint(absl::string_view task_id, int64_t epoch,
                               const Checkpoint& checkpoint) override;
  absl::StatusOr<std::vector<Checkpoint>> ReadCheckpoints(absl::string_view task_id) override;
  absl::Status ClearCheckpoints(absl::string_view task_id, int64_t epoch) override;
  absl::Status AddEvent(absl::string_view task_id, int64_t epoch, const TaskEvent& event) override;

 private:
  PgPool& pool_;
  PgPool& lease_pool_;
  const ClaimPolicy policy_;
};

// LISTEN on a dedicated connection (channel rms_tasks by default; rms_verifications too for
// workers that run verifications): wakes idle workers when work becomes claimable. One thread
// uses it.
class PgTaskNotifier {
 public:
  static absl::StatusOr<std::unique_ptr<PgTaskNotifier>> Open(
      const std::string& url, const std::vector<std::string>& channels = {"rms_tasks"});
  ~PgTaskNotifier();
  // Waits up to `timeout` for a notification; true if one (or more) arrived. UNAVAILABLE when the
  // connection broke (the caller reopens after a pause).
  absl::StatusOr<bool> Wait(absl::Duration timeout);

 private:
  class Receiver;
  PgTaskNotifier() = default;
  std::unique_ptr<pqxx::connection> connection_;
  std::vector<std::unique_ptr<Receiver>> receivers_;
};

}  // namespace rms::storage
