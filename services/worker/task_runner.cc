// TaskRunner: one claimed task from claim to release: lease, status transitions, job, outcome.
#include "services/worker/task_runner.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/worker/failure_code.h"

namespace rms::worker {

TaskRunner::TaskRunner(storage::WorkerStore& store, const JobFactory& jobs,
                       LeaseOptions lease_options)
    : store_(store), jobs_(jobs), lease_options_(lease_options) {}

namespace {

using task_model::TaskStatus;

// Stop wins: a job that ends by itself while its stop is being drained ends the task as stopped.
StatusWrite StopWins(TaskStatus current, const StatusWrite& wanted) {
  if (current != TaskStatus::kTerminating || !task_model::IsJobOutcome(wanted.to)) return wanted;
  return StatusWrite{TaskStatus::kTerminated, "TASK_STOPPED", "task stopped", "info", ""};
}

constexpr char kAlreadyThere[] = "already there";

// Moves `row` as `write` says when the transition table allows it; otherwise sets `refused` and
// returns an error, which aborts the store's transaction (nothing is written).
absl::Status ApplyStatusWrite(const StatusWrite& write, storage::TaskRecord& row,
                              storage::TaskEvent& event, std::string& refused) {
  absl::Status allowed = task_model::CheckTransition(row.status, write.to);
  if (!allowed.ok()) {
    refused = row.status == write.to ? kAlreadyThere : std::string(allowed.message());
    return allowed;
  }
  event.from_status = std::string(task_model::ToDcsString(row.status));
  event.to_status = std::string(task_model::ToDcsString(write.to));
  event.level = write.level;
  event.code = write.code;
  event.message = write.message;
  row.status = write.to;
  row.error = write.error;
  return absl::OkStatus();
}

}  // namespace

absl::Status TaskRunner::Transition(const storage::TaskRecord& task, const StatusWrite& wanted) {
  std::string refused;
  absl::Status written =
      store_
          .UpdateLeasedTask(task.id, task.lease_epoch,
                            [&](storage::TaskRecord& row, storage::TaskEvent& event) {
                              return ApplyStatusWrite(StopWins(row.status, wanted), row, event,
                                                      refused);
                            })
          .status();
  if (refused.empty()) return written;
  // Not an error of the job: the task is already where the write leads, or a stop won.
  if (refused != kAlreadyThere) {
    LogWarning(absl::StrCat("task ", task.id, ": status write refused, not written: ", refused));
  }
  return absl::OkStatus();
}

void TaskRunner::Run(const storage::TaskRecord& task, TaskContext& shutdown,
                     absl::Time claim_sent_at) {
  LogInfo(absl::StrCat("task ", task.id, ": claimed (status ", ToDcsString(task.status), ", epoch ",
                       task.lease_epoch, ")"));
  if (task.status == TaskStatus::kTerminating) {
    Finish(task, absl::OkStatus(), /*stop_requested=*/true, false);
    return;
  }
  if (task.lease_epoch > 1 && task.status != TaskStatus::kMigrating) {
    (void)store_.AddEvent(task.id, task.lease_epoch,
                          storage::TaskEvent{0,
                                             task.id,
                                             {},
                                             "warning",
                                             "LEASE_TAKEOVER",
                                             "a worker took the task over from a worker that "
                                             "stopped renewing its lease",
                                             {},
                                             "",
                                             ""});
  }
  absl::StatusOr<std::unique_ptr<MigrationJob>> job = jobs_(task);
  if (!job.ok()) {
    Finish(task, WithFailureCode(job.status(), "INVALID_TASK_CONFIG"), false, false);
    return;
  }
  TaskContext context;
  const int link = shutdown.OnCancel([&] { context.Cancel(shutdown.reason()); });
  LeaseKeeper keeper(
      store_, task.id, task.lease_epoch, lease_options_, claim_sent_at, context,
      [&] { return (*job)->StatsJson(); },
      [&](const storage::TaskRecord& row) { (*job)->OnTaskRow(row); });
  keeper.Start();
  JobReporter reporter;
  reporter.transition = [&](TaskStatus to, absl::string_view code, absl::string_view message) {
    // A lost lease writes nothing more (the context may not hold the reason yet).
    if (keeper.lease_lost()) return absl::AbortedError("the lease is lost");
    return Transition(task, StatusWrite{to, std::string(code), std::string(message), "info", ""});
  };
  reporter.log = [&](absl::string_view level, absl::string_view code, absl::string_view message) {
    if (keeper.lease_lost()) return;
    storage::TaskEvent event;
    event.level = std::string(level);
    event.code = std::string(code);
    event.message = std::string(message);
    (void)store_.AddEvent(task.id, task.lease_epoch, event);
  };
  absl::Status outcome = (*job)->Run(context, reporter);
  keeper.Stop();
  shutdown.Unregister(link);
  if (keeper.lease_lost()) {
    LogWarning(absl::StrCat("task ", task.id, ": lease lost; leaving it to its new holder"));
    return;
  }
  // Publish the final numbers before the outcome.
  (void)store_.WriteStats(task.id, task.lease_epoch, (*job)->StatsJson());
  Finish(task, outcome, keeper.stop_requested(), shutdown.cancelled());
}

void TaskRunner::Finish(const storage::TaskRecord& task, const absl::Status& outcome,
                        bool stop_requested, bool shutting_down) {
  absl::Status written;
  if (stop_requested) {
    written =
        Transition(task, {TaskStatus::kTerminated, "TASK_STOPPED", "task stopped", "info", ""});
  } else if (shutting_down && !outcome.ok()) {
    LogInfo(absl::StrCat("task ", task.id, ": worker shutting down; releasing it for resumption"));
  } else if (outcome.ok()) {
    written = Transition(
        task, {TaskStatus::kSuccess, "MIGRATION_SUCCEEDED", "migration finished", "info", ""});
  } else {
    const std::string message(outcome.message());
    LogWarning(absl::StrCat("task ", task.id, " failed: ", message));
    written = Transition(
        task, {TaskStatus::kMigrationFailed, FailureCodeOf(outcome), message, "error", message});
  }
  if (!written.ok()) LogWarning(absl::StrCat("task ", task.id, ": ", written.message()));
  absl::Status released = store_.ReleaseLease(task.id, task.lease_epoch);
  if (!released.ok() && !absl::IsAborted(released)) {
    LogWarning(absl::StrCat("task ", task.id, ": ", released.message()));
  }
}

}  // namespace rms::worker
