// MigrationJob: the data-moving part of one task, run by a TaskRunner between claim and finish.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/task_model/task_status.h"
#include "services/worker/task_context.h"
#include "storage/records.h"

namespace rms::worker {

// What a job may report to the task while it runs (thread-safe, fenced by the lease).
struct JobReporter {
  // Moves the task to `status` (FULLMIGRATING, INCRMIGEATING) with a log entry. A move the
  // transition table refuses (a stop won) is not written and returns OK; ABORTED once the lease
  // is lost.
  std::function<absl::Status(task_model::TaskStatus status, absl::string_view code,
                             absl::string_view message)>
      transition;
  // Adds a log entry (level "info" | "warning" | "error").
  std::function<void(absl::string_view level, absl::string_view code, absl::string_view message)>
      log;
};

class MigrationJob {
 public:
  virtual ~MigrationJob() = default;
  // Runs until the job is done (OK: the task succeeded), fails (the error, carrying its stable
  // log_code as a failure code: services/worker/failure_code.h), or `context` is cancelled
  // (return its reason).
  virtual absl::Status Run(TaskContext& context, const JobReporter& reporter) = 0;
  // The task's stats as a JSON object (fields of the stats API); any thread.
  virtual std::string StatsJson() const = 0;
  // Sees every renewed task row (live changes of bandwidth or resume mode); any thread.
  virtual void OnTaskRow(const storage::TaskRecord& row) {}
};

}  // namespace rms::worker
