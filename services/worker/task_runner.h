// TaskRunner: one claimed task from claim to release: lease, status transitions, job, outcome.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "services/worker/lease_keeper.h"
#include "services/worker/migration_job.h"
#include "services/worker/task_context.h"
#include "storage/worker_store.h"

namespace rms::worker {

// One status write of the runner: the task moves to `to` with a log entry at `level`.
struct StatusWrite {
  task_model::TaskStatus to;
  std::string code;
  std::string message;
  std::string level = "info";
  std::string error;  // the task's error column: set with MIGRATION_FAILED, cleared otherwise
};

// Builds the job of a task (online migration or backup import); errors fail the task.
using JobFactory =
    std::function<absl::StatusOr<std::unique_ptr<MigrationJob>>(const storage::TaskRecord&)>;

// Runs `task` (claimed at task.lease_epoch) to an outcome:
// Every status write goes through the transition table of services/task_model.
// - job OK: SUCCESS; job error: MIGRATION_FAILED with the error and an error log entry;
// - an operator stop: TERMINATED; a task claimed while TERMINATING: TERMINATED at once;
// - `shutdown` cancelled (the worker is stopping): the status is kept and the lease released so
//   another worker (or this one after a restart) resumes it;
// - lease lost (or not renewed in time): nothing more is written (the new holder owns the task).
// `claim_sent_at`: the lease clock's time just before the claim was sent.
// Blocks the calling thread; `shutdown` may be cancelled from any thread.
class TaskRunner {
 public:
  TaskRunner(storage::WorkerStore& store, const JobFactory& jobs, LeaseOptions lease_options);
  void Run(const storage::TaskRecord& task, TaskContext& shutdown, absl::Time claim_sent_at);

 private:
  // Writes `wanted` (fenced by the lease) when the transition table allows it from the row's
  // status at write time; a refused transition is logged and not written (OK). A stop being
  // drained wins over the job's outcome. ABORTED once the lease is lost.
  absl::Status Transition(const storage::TaskRecord& task, const StatusWrite& wanted);
  void Finish(const storage::TaskRecord& task, const absl::Status& outcome, bool stop_requested,
              bool shutting_down);

  storage::WorkerStore& store_;
  const JobFactory& jobs_;
  LeaseOptions lease_options_;
};

}  // namespace rms::worker
