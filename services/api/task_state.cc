// The task state machine of docs/api.md ("Statuses"), independent of storage and protocol.
#include "services/api/task_state.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"

namespace rms::api {
namespace {

using task_model::CheckTransition;
using task_model::ToDcsString;
using Statuses = std::initializer_list<TaskStatus>;
using S = TaskStatus;

constexpr Statuses kConfigurable = {S::kRunning, S::kTerminated, S::kMigrationFailed, S::kFailed,
                                    S::kSuccess};
constexpr Statuses kStoppable = {S::kMigrating,       S::kFullMigrating, S::kIncrMigrating,
                                 S::kMigrationFailed, S::kTerminating,   S::kTerminated};
constexpr Statuses kRestartable = {S::kTerminated, S::kMigrationFailed, S::kFailed};

bool In(TaskStatus status, Statuses set) {
  return std::find(set.begin(), set.end(), status) != set.end();
}

absl::Status Require(absl::string_view operation, const storage::TaskRecord& task, Statuses set) {
  if (In(task.status, set)) return absl::OkStatus();
  return errors::WrongState(operation, ToDcsString(task.status),
                            absl::StrJoin(set, ", ", [](std::string* out, TaskStatus status) {
                              absl::StrAppend(out, ToDcsString(status));
                            }));
}

// Moves the task through the shared transition table; a refusal names the operation (DCS.4134).
absl::Status Transition(absl::string_view operation, storage::TaskRecord& task,
                        storage::TaskEvent& event, TaskStatus to, absl::string_view code,
                        std::string message) {
  if (!CheckTransition(task.status, to).ok()) {
    return errors::WrongState(operation, ToDcsString(task.status),
                              absl::StrCat("a status that may go to ", ToDcsString(to)));
  }
  event.from_status = std::string(ToDcsString(task.status));
  event.to_status = std::string(ToDcsString(to));
  event.level = "info";
  event.code = std::string(code);
  event.message = std::move(message);
  task.status = to;
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyConfigure(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (absl::Status s = Require("configure", task, kConfigurable); !s.ok()) return s;
  task.desired_state = std::string(kWantRunning);
  task.error.clear();
  task.target_empty_at_first_sync.reset();  // a new configuration has a first sync of its own
  return Transition("configure", task, event, S::kMigrating, "TASK_CONFIGURED",
                    "task configured; waiting for an engine worker to claim it");
}

absl::Status ApplyStop(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (absl::Status s = Require("stop", task, kStoppable); !s.ok()) return s;
  if (task.status == S::kTerminating || task.status == S::kTerminated) return absl::OkStatus();
  task.desired_state = std::string(kWantStopped);
  // A failed task has no worker left to drain, whatever its lease says.
  if (task.lease_live && task.status != S::kMigrationFailed) {
    return Transition("stop", task, event, S::kTerminating, "TASK_STOPPING",
                      absl::StrCat("stop requested; worker ", task.lease_owner, " is draining"));
  }
  return Transition("stop", task, event, S::kTerminated, "TASK_STOPPED", "task stopped");
}

absl::Status ApplyRestart(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (absl::Status s = Require("restart", task, kRestartable); !s.ok()) return s;
  task.desired_state = std::string(kWantRunning);
  task.error.clear();
  return Transition(
      "restart", task, event, S::kMigrating, "TASK_RESTARTED",
      "task restarted; waiting for an engine worker to resume it from its checkpoint");
}

absl::Status ApplyDelete(storage::TaskRecord& task, storage::TaskEvent& event, absl::Time now) {
  if (task.status == S::kDeleted) return absl::OkStatus();
  if (IsActive(task.status)) return errors::DeleteRunning(task.id, ToDcsString(task.status));
  task.desired_state = std::string(kWantDeleted);
  task.released_at = now;
  return Transition("delete", task, event, S::kDeleted, "TASK_DELETED", "task deleted");
}

absl::Status ApplyUpdate(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (task.status == S::kDeleted) {
    return errors::WrongState("update", ToDcsString(task.status), "any but DELETED");
  }
  event.level = "info";
  event.code = "TASK_UPDATED";
  event.message = "task settings updated";
  return absl::OkStatus();
}

}  // namespace rms::api
