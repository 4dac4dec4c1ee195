// TaskStatus: the one typed model of a task's status, its DCS spelling and its transition table.
#pragma once

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::task_model {

// The statuses of the DCS data-migration API (docs/architecture.md, "Task lifecycle").
enum class TaskStatus {
  kCreating,         // CREATING: kept for DCS clients; no code path sets it
  kRunning,          // RUNNING: created, waiting for a configure
  kMigrating,        // MIGRATING: configured, waiting for a worker
  kFullMigrating,    // FULLMIGRATING: a snapshot is being copied
  kIncrMigrating,    // INCRMIGEATING (the DCS spelling): the write stream is forwarded
  kSuccess,          // SUCCESS: a full migration or import finished
  kFailed,           // FAILED: kept for DCS clients
  kTerminating,      // TERMINATING: stop requested, the worker drains
  kTerminated,       // TERMINATED
  kMigrationFailed,  // MIGRATION_FAILED: see the task's error and log
  kReleased,         // RELEASED: kept for DCS clients
  kDeleted,          // DELETED
};

// Every status, in declaration order (for tests and metrics).
inline constexpr TaskStatus kAllTaskStatuses[] = {
    TaskStatus::kCreating,        TaskStatus::kRunning,       TaskStatus::kMigrating,
    TaskStatus::kFullMigrating,   TaskStatus::kIncrMigrating, TaskStatus::kSuccess,
    TaskStatus::kFailed,          TaskStatus::kTerminating,   TaskStatus::kTerminated,
    TaskStatus::kMigrationFailed, TaskStatus::kReleased,      TaskStatus::kDeleted};

// The DCS spelling, as stored in `tasks.status` and returned by the API ("INCRMIGEATING").
absl::string_view ToDcsString(TaskStatus status);

// The status spelled `text` exactly; INVALID_ARGUMENT naming it when it is no status.
absl::StatusOr<TaskStatus> ParseTaskStatus(absl::string_view text);

// OK when a task may move `from` -> `to` (an operator's or a worker's write); otherwise
// FAILED_PRECONDITION naming both. Staying in the same status is not a transition. Stop wins: no
// write leads from TERMINATING or TERMINATED back to work, only a restart (to MIGRATING) does.
absl::Status CheckTransition(TaskStatus from, TaskStatus to);
bool CanTransition(TaskStatus from, TaskStatus to);

// A worker holds the task, or may claim it soon (it cannot be deleted).
bool IsActive(TaskStatus status);
// Data is moving: a snapshot is copied or the stream forwarded.
bool IsCopying(TaskStatus status);
// An outcome a worker writes when its job ends by itself (SUCCESS, MIGRATION_FAILED).
bool IsJobOutcome(TaskStatus status);

inline std::ostream& operator<<(std::ostream& out, TaskStatus status) {
  return out << ToDcsString(status);
}

}  // namespace rms::task_model
