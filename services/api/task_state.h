// The task state machine: which statuses allow which operation, and where each one leads.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/task_model/task_status.h"
#include "storage/records.h"

namespace rms::api {

// The statuses are the shared model of services/task_model; the names are used unqualified here.
using task_model::TaskStatus;

// Desired states (what the operator asked for); workers only claim "running" tasks.
inline constexpr absl::string_view kWantIdle = "idle";
inline constexpr absl::string_view kWantRunning = "running";
inline constexpr absl::string_view kWantStopped = "stopped";
inline constexpr absl::string_view kWantDeleted = "deleted";

// Each Apply* checks that the task's status allows the operation (DCS.4134 naming the status and
// the allowed ones otherwise), then changes status/desired_state/error in place and fills the
// log entry. They never touch the database.
absl::Status ApplyConfigure(storage::TaskRecord& task, storage::TaskEvent& event);
// Stop waits for the worker to drain (TERMINATING) only while its lease is live by the database's
// clock (`task.lease_live`), never by this host's.
absl::Status ApplyStop(storage::TaskRecord& task, storage::TaskEvent& event);
absl::Status ApplyRestart(storage::TaskRecord& task, storage::TaskEvent& event);
absl::Status ApplyDelete(storage::TaskRecord& task, storage::TaskEvent& event, absl::Time now);
absl::Status ApplyUpdate(storage::TaskRecord& task, storage::TaskEvent& event);

}  // namespace rms::api
