// TaskStatus names and the transition table every status write goes through.
#include "services/task_model/task_status.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"

namespace rms::task_model {
namespace {

using S = TaskStatus;

struct Edges {
  TaskStatus from;
  std::initializer_list<TaskStatus> to;
};

// Who takes each edge: the API (configure, restart, stop, delete) or the worker holding the lease
// (its job's phases and outcome, or TERMINATED once it drained after a stop).
const Edges kTable[] = {
    {S::kCreating, {S::kDeleted}},
    {S::kRunning, {S::kMigrating, S::kDeleted}},
    {S::kMigrating,
     {S::kFullMigrating, S::kIncrMigrating, S::kSuccess, S::kMigrationFailed, S::kTerminating,
      S::kTerminated}},
    {S::kFullMigrating,
     {S::kIncrMigrating, S::kSuccess, S::kMigrationFailed, S::kTerminating, S::kTerminated}},
    // An incremental task streams until it is stopped: it never ends in SUCCESS.
    {S::kIncrMigrating, {S::kFullMigrating, S::kMigrationFailed, S::kTerminating, S::kTerminated}},
    {S::kSuccess, {S::kMigrating, S::kDeleted}},
    {S::kFailed, {S::kMigrating, S::kDeleted}},
    {S::kTerminating, {S::kTerminated}},
    {S::kTerminated, {S::kMigrating, S::kDeleted}},
    {S::kMigrationFailed, {S::kMigrating, S::kTerminated, S::kDeleted}},
    {S::kReleased, {S::kDeleted}},
    {S::kDeleted, {}},
};

constexpr struct {
  TaskStatus status;
  absl::string_view name;
} kNames[] = {
    {S::kCreating, "CREATING"},
    {S::kRunning, "RUNNING"},
    {S::kMigrating, "MIGRATING"},
    {S::kFullMigrating, "FULLMIGRATING"},
    {S::kIncrMigrating, "INCRMIGEATING"},
    {S::kSuccess, "SUCCESS"},
    {S::kFailed, "FAILED"},
    {S::kTerminating, "TERMINATING"},
    {S::kTerminated, "TERMINATED"},
    {S::kMigrationFailed, "MIGRATION_FAILED"},
    {S::kReleased, "RELEASED"},
    {S::kDeleted, "DELETED"},
};

bool In(TaskStatus status, std::initializer_list<TaskStatus> set) {
  return std::find(set.begin(), set.end(), status) != set.end();
}

}  // namespace

absl::string_view ToDcsString(TaskStatus status) {
  for (const auto& entry : kNames) {
    if (entry.status == status) return entry.name;
  }
  return "TASK_STATUS_UNSPECIFIED";  // unreachable for a valid enumerator
}

absl::StatusOr<TaskStatus> ParseTaskStatus(absl::string_view text) {
  for (const auto& entry : kNames) {
    if (entry.name == text) return entry.status;
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a task status"));
}

bool CanTransition(TaskStatus from, TaskStatus to) {
  for (const Edges& edges : kTable) {
    if (edges.from == from) return In(to, edges.to);
  }
  return false;
}

absl::Status CheckTransition(TaskStatus from, TaskStatus to) {
  if (CanTransition(from, to)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("a task cannot go from ", ToDcsString(from), " to ", ToDcsString(to)));
}

bool IsActive(TaskStatus status) {
  return In(status, {S::kMigrating, S::kFullMigrating, S::kIncrMigrating, S::kTerminating});
}

bool IsCopying(TaskStatus status) { return In(status, {S::kFullMigrating, S::kIncrMigrating}); }

bool IsJobOutcome(TaskStatus status) { return In(status, {S::kSuccess, S::kMigrationFailed}); }

}  // namespace rms::task_model
