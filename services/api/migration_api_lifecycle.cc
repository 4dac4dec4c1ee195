// MigrationApi: operations that change a running task (update, stop, restart, delete).
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/api/body_validation.h"
#include "services/api/migration_api.h"
#include "services/api/task_state.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace rms::api {

absl::StatusOr<v1::TaskDetails> MigrationApi::UpdateTask(const v1::UpdateTaskRequest& request) {
  const v1::UpdateTaskBody& body = request.body();
  RETURN_IF_ERROR(ValidateUpdateTaskBody(body));
  ASSIGN_OR_RETURN(storage::TaskRecord task,
                   Mutate(request.project_id(), request.task_id(),
                          [&](storage::TaskRecord& row, storage::TaskEvent& event) -> absl::Status {
                            RETURN_IF_ERROR(ApplyUpdate(row, event));
                            ASSIGN_OR_RETURN(TaskConfig config,
                                             TaskConfigFromJson(row.config_json));
                            if (!body.resume_mode().empty()) {
                              config.resume_mode = body.resume_mode();
                            }
                            if (!body.bandwidth_limit_mb().empty()) {
                              config.bandwidth_limit_mb = body.bandwidth_limit_mb();
                            }
                            row.config_json = TaskConfigToJson(config);
                            event.keywords = {config.resume_mode, config.bandwidth_limit_mb};
                            return absl::OkStatus();
                          }));
  return DetailsOf(task);
}

absl::StatusOr<v1::TaskDetails> MigrationApi::StopTask(const v1::TaskIdRequest& request) {
  ASSIGN_OR_RETURN(storage::TaskRecord task,
                   Mutate(request.project_id(), request.task_id(),
                          [&](storage::TaskRecord& row, storage::TaskEvent& event) {
                            return ApplyStop(row, event);
                          }));
  return DetailsOf(task);
}

absl::StatusOr<v1::SyncStopResponse> MigrationApi::SyncStopTask(const v1::TaskIdRequest& request) {
  ASSIGN_OR_RETURN(v1::TaskDetails details, StopTask(request));
  if (details.status() != v1::TERMINATING) return v1::SyncStopResponse();
  // Each wait parks a server thread: beyond the limit, answer at once (the stop stays requested).
  WaitSlots::Slot slot = sync_stop_slots_.TryAcquire();
  if (!slot) {
    return errors::WrongState(
        "sync-stop", "TERMINATING",
        absl::StrCat("a task that stops at once: ", options_.max_sync_stop_waits,
                     " sync-stop calls are already waiting in this process;"
                     " the stop is requested, poll the task until "
                     "TERMINATED"));
  }
  const absl::Time deadline = absl::Now() + options_.sync_stop_timeout;
  absl::Duration pause = absl::Milliseconds(20);
  while (details.status() == v1::TERMINATING) {
    if (absl::Now() >= deadline) {
      return errors::WrongState("sync-stop", task_model::ToDcsString(TaskStatus::kTerminating),
                                absl::StrCat("a task that stops within ",
                                             absl::FormatDuration(options_.sync_stop_timeout),
                                             "; poll the task until TERMINATED"));
    }
    absl::SleepFor(pause);  // polling a condition with a deadline
    pause = std::min(pause * 2, absl::Milliseconds(500));
    ASSIGN_OR_RETURN(details, ShowTask(request));
  }
  return v1::SyncStopResponse();
}

v1::BatchTasksResponse MigrationApi::ForEachTask(
    const v1::BatchTasksRequest& request,
    const std::function<absl::Status(const std::string& task_id)>& operation) {
  v1::BatchTasksResponse response;
  for (const std::string& task_id : request.body().migration_tasks()) {
    v1::BatchTaskResult* result = response.add_migration_tasks();
    result->set_task_id(task_id);
    absl::Status status = operation(task_id);
    result->set_result(status.ok() ? "success" : "failed");
    if (!status.ok()) {
      std::optional<std::string> code = errors::DcsCodeOf(status);
      if (!code) status = errors::Internal();
      result->set_error_code(errors::DcsCodeOf(status).value_or(""));
      result->set_error_msg(std::string(status.message()));
    }
  }
  return response;
}

absl::StatusOr<v1::BatchTasksResponse> MigrationApi::BatchStopTasks(
    const v1::BatchTasksRequest& request) {
  RETURN_IF_ERROR(ValidateBatchTasksBody(request.body()));
  return ForEachTask(request, [&](const std::string& task_id) {
    v1::TaskIdRequest one;
    one.set_project_id(request.project_id());
    one.set_task_id(task_id);
    return StopTask(one).status();
  });
}

absl::StatusOr<v1::BatchTasksResponse> MigrationApi::BatchRestartTasks(
    const v1::BatchTasksRequest& request) {
  RETURN_IF_ERROR(ValidateBatchTasksBody(request.body()));
  return ForEachTask(request, [&](const std::string& task_id) {
    return Mutate(request.project_id(), task_id,
                  [](storage::TaskRecord& row, storage::TaskEvent& event) {
                    return ApplyRestart(row, event);
                  })
        .status();
  });
}

absl::StatusOr<v1::DeleteTasksResponse> MigrationApi::DeleteTasks(
    const v1::DeleteTasksRequest& request) {
  const auto& ids = request.body().task_id_list();
  RETURN_IF_ERROR(ValidateDeleteTasksBody(request.body()));
  // Check every task first so that one refusal deletes nothing.
  for (const std::string& task_id : ids) {
    ASSIGN_OR_RETURN(storage::TaskRecord task, LoadTask(request.project_id(), task_id));
    if (task_model::IsActive(task.status)) {
      return errors::DeleteRunning(task.id, task_model::ToDcsString(task.status));
    }
  }
  const absl::Time now = options_.clock();
  v1::DeleteTasksResponse response;
  for (const std::string& task_id : ids) {
    RETURN_IF_ERROR(Mutate(request.project_id(), task_id,
                           [&](storage::TaskRecord& row, storage::TaskEvent& event) {
                             return ApplyDelete(row, event, now);
                           })
                        .status());
    response.add_task_id_list(task_id);
  }
  return response;
}

}  // namespace rms::api
