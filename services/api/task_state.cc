// The task state machine of docs/api.md ("Statuses"), independent of storage and protocol.
#include "services/api/task_state.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"

namespace rms::api {
namespace {

using Statuses = std::initializer_list<absl::string_view>;

constexpr Statuses kConfigurable = {kRunning, kTerminated, kMigrationFailed, kFailed, kSuccess};
constexpr Statuses kStoppable = {kMigrating, kFullMigrating, kIncrMigrating,
                                 kMigrationFailed, kTerminating, kTerminated};
constexpr Statuses kRestartable = {kTerminated, kMigrationFailed, kFailed};
constexpr Statuses kActive = {kMigrating, kFullMigrating, kIncrMigrating, kTerminating};

bool In(absl::string_view status, Statuses set) {
  return std::find(set.begin(), set.end(), status) != set.end();
}

absl::Status Require(absl::string_view operation, const storage::TaskRecord& task, Statuses set) {
  if (In(task.status, set)) return absl::OkStatus();
  return errors::WrongState(operation, task.status, absl::StrJoin(set, ", "));
}

void Transition(storage::TaskRecord& task, storage::TaskEvent& event, absl::string_view to,
                absl::string_view code, std::string message) {
  event.from_status = task.status;
  event.to_status = std::string(to);
  event.level = "info";
  event.code = std::string(code);
  event.message = std::move(message);
  task.status = std::string(to);
}

}  // namespace

bool IsActive(absl::string_view status) { return In(status, kActive); }

bool HasLiveLease(const storage::TaskRecord& task, absl::Time now) {
  return !task.lease_owner.empty() && task.lease_expires_at.has_value() &&
         *task.lease_expires_at > now;
}

absl::Status ApplyConfigure(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (absl::Status s = Require("configure", task, kConfigurable); !s.ok()) return s;
  task.desired_state = std::string(kWantRunning);
  task.error.clear();
  Transition(task, event, kMigrating, "TASK_CONFIGURED",
             "task configured; waiting for an engine worker to claim it");
  return absl::OkStatus();
}

absl::Status ApplyStop(storage::TaskRecord& task, storage::TaskEvent& event, absl::Time now) {
  if (absl::Status s = Require("stop", task, kStoppable); !s.ok()) return s;
  if (task.status == kTerminating || task.status == kTerminated) return absl::OkStatus();
  task.desired_state = std::string(kWantStopped);
  if (HasLiveLease(task, now)) {
    Transition(task, event, kTerminating, "TASK_STOPPING",
               absl::StrCat("stop requested; worker ", task.lease_owner, " is draining"));
  } else {
    Transition(task, event, kTerminated, "TASK_STOPPED", "task stopped");
  }
  return absl::OkStatus();
}

absl::Status ApplyRestart(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (absl::Status s = Require("restart", task, kRestartable); !s.ok()) return s;
  task.desired_state = std::string(kWantRunning);
  task.error.clear();
  Transition(task, event, kMigrating, "TASK_RESTARTED",
             "task restarted; waiting for an engine worker to resume it from its checkpoint");
  return absl::OkStatus();
}

absl::Status ApplyDelete(storage::TaskRecord& task, storage::TaskEvent& event, absl::Time now) {
  if (task.status == kDeleted) return absl::OkStatus();
  if (IsActive(task.status)) return errors::DeleteRunning(task.id, task.status);
  task.desired_state = std::string(kWantDeleted);
  task.released_at = now;
  Transition(task, event, kDeleted, "TASK_DELETED", "task deleted");
  return absl::OkStatus();
}

absl::Status ApplyUpdate(storage::TaskRecord& task, storage::TaskEvent& event) {
  if (task.status == kDeleted) return errors::WrongState("update", task.status, "any but DELETED");
  event.level = "info";
  event.code = "TASK_UPDATED";
  event.message = "task settings updated";
  return absl::OkStatus();
}

}  // namespace rms::api
