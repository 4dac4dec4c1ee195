// The task state machine: which statuses allow which operation, and where each one leads.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/records.h"

namespace rms::api {

// Status names as stored and returned (the TaskStatus enum names).
inline constexpr absl::string_view kRunning = "RUNNING";
inline constexpr absl::string_view kMigrating = "MIGRATING";
inline constexpr absl::string_view kFullMigrating = "FULLMIGRATING";
inline constexpr absl::string_view kIncrMigrating = "INCRMIGEATING";
inline constexpr absl::string_view kSuccess = "SUCCESS";
inline constexpr absl::string_view kFailed = "FAILED";
inline constexpr absl::string_view kTerminating = "TERMINATING";
inline constexpr absl::string_view kTerminated = "TERMINATED";
inline constexpr absl::string_view kMigrationFailed = "MIGRATION_FAILED";
inline constexpr absl::string_view kDeleted = "DELETED";

// Desired states (what the operator asked for); workers only claim "running" tasks.
inline constexpr absl::string_view kWantIdle = "idle";
inline constexpr absl::string_view kWantRunning = "running";
inline constexpr absl::string_view kWantStopped = "stopped";
inline constexpr absl::string_view kWantDeleted = "deleted";

// True while a worker has, or may soon have, the task in hand (it cannot be deleted).
bool IsActive(absl::string_view status);

// True when a worker holds a lease that has not expired at `now`.
bool HasLiveLease(const storage::TaskRecord& task, absl::Time now);

// Each Apply* checks that the task's status allows the operation (DCS.4134 naming the status and
// the allowed ones otherwise), then changes status/desired_state/error in place and fills the
// log entry. They never touch the database.
absl::Status ApplyConfigure(storage::TaskRecord& task, storage::TaskEvent& event);
absl::Status ApplyStop(storage::TaskRecord& task, storage::TaskEvent& event, absl::Time now);
absl::Status ApplyRestart(storage::TaskRecord& task, storage::TaskEvent& event);
absl::Status ApplyDelete(storage::TaskRecord& task, storage::TaskEvent& event, absl::Time now);
absl::Status ApplyUpdate(storage::TaskRecord& task, storage::TaskEvent& event);

}  // namespace rms::api
