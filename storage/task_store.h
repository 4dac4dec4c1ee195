// TaskStore: persistence of tasks and their log; the control plane's only view of task state.
#pragma once

#include <functional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/records.h"

namespace rms::storage {

// Decides a change to a task inside the store's transaction. It may modify `task` (status,
// error, config_json, desired_state, name, ...) and fill `event` (left with empty `code` = no log
// entry). Returning an error aborts the transaction and nothing is written.
using TaskMutation = std::function<absl::Status(TaskRecord& task, TaskEvent& event)>;

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Inserts `task` and, if `event.code` is set, its first log entry. ALREADY_EXISTS on id clash.
  virtual absl::Status CreateTask(const TaskRecord& task, const TaskEvent& event) = 0;

  // NOT_FOUND (no DCS payload) when no task `task_id` belongs to `project_id`. Deleted tasks are
  // returned (status DELETED).
  virtual absl::StatusOr<TaskRecord> GetTask(absl::string_view project_id,
                                             absl::string_view task_id) = 0;

  // The task created by job `job_id`; NOT_FOUND as GetTask.
  virtual absl::StatusOr<TaskRecord> GetTaskByJob(absl::string_view project_id,
                                                  absl::string_view job_id) = 0;

  // Tasks of the project that are not DELETED, newest first, whose name contains `name_filter`
  // ("" = all). `total` counts every match.
  virtual absl::StatusOr<Page<TaskRecord>> ListTasks(absl::string_view project_id,
                                                     absl::string_view name_filter, int offset,
                                                     int limit) = 0;

  // Locks the task row, applies `mutate`, writes the row (updated_at = now) and the event in one
  // transaction, and returns the row as written. When the new row is claimable by a worker
  // (desired_state "running", no live lease) it notifies channel `rms_tasks`.
  virtual absl::StatusOr<TaskRecord> UpdateTask(absl::string_view project_id,
                                                absl::string_view task_id,
                                                const TaskMutation& mutate) = 0;

  // Every task of every project that is not DELETED, newest first, at most `limit` (metrics).
  virtual absl::StatusOr<std::vector<TaskRecord>> ListLiveTasks(int limit) = 0;

  // Log entries of a task, oldest first; `level` "" = all levels.
  virtual absl::StatusOr<Page<TaskEvent>> ListEvents(absl::string_view task_id,
                                                     absl::string_view level, int offset,
                                                     int limit) = 0;
};

}  // namespace rms::storage
