// MigrationApi: read-only operations (list, show, stats, logs).
#include "services/api/migration_api.h"
#include "services/api/request_validation.h"
#include "services/api/task_views.h"
#include "services/common/status_macros.h"

namespace rms::api {
namespace {
constexpr int kDefaultLimit = 10;
int LimitOrDefault(int limit) { return limit == 0 ? kDefaultLimit : limit; }
}  // namespace

absl::StatusOr<v1::ListTasksResponse> MigrationApi::ListTasks(
    const v1::ListTasksRequest& request) {
  RETURN_IF_ERROR(ValidatePaging(request.offset(), request.limit()));
  ASSIGN_OR_RETURN(auto page, tasks_.ListTasks(request.project_id(), request.name(),
                                               request.offset(), LimitOrDefault(request.limit())));
  v1::ListTasksResponse response;
  response.set_count(static_cast<int32_t>(page.total));
  for (const storage::TaskRecord& task : page.rows) {
    ASSIGN_OR_RETURN(TaskConfig config, TaskConfigFromJson(task.config_json));
    *response.add_migration_tasks() = TaskSummaryOf(task, config);
  }
  return response;
}

absl::StatusOr<v1::TaskDetails> MigrationApi::ShowTask(const v1::TaskIdRequest& request) {
  ASSIGN_OR_RETURN(storage::TaskRecord task, LoadTask(request.project_id(), request.task_id()));
  return DetailsOf(task);
}

absl::StatusOr<v1::TaskStats> MigrationApi::ShowTaskStats(const v1::TaskIdRequest& request) {
  ASSIGN_OR_RETURN(storage::TaskRecord task, LoadTask(request.project_id(), request.task_id()));
  return TaskStatsOf(task);
}

absl::StatusOr<v1::ListLogsResponse> MigrationApi::ListTaskLogs(
    const v1::ListLogsRequest& request) {
  RETURN_IF_ERROR(ValidatePaging(request.offset(), request.limit()));
  RETURN_IF_ERROR(ValidateLogLevel(request.log_level()));
  ASSIGN_OR_RETURN(storage::TaskRecord task, LoadTask(request.project_id(), request.task_id()));
  ASSIGN_OR_RETURN(auto page, tasks_.ListEvents(task.id, request.log_level(), request.offset(),
                                                LimitOrDefault(request.limit())));
  v1::ListLogsResponse response;
  response.set_log_num(static_cast<int32_t>(page.total));
  for (const storage::TaskEvent& event : page.rows) {
    *response.add_migration_logs() = TaskLogOf(event);
  }
  return response;
}

}  // namespace rms::api
