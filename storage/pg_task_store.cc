// PgStore's TaskStore: tasks and their log in tables `tasks` and `task_events`.
#include <pqxx/result>
#include <pqxx/transaction>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "storage/pg_rows.h"
#include "storage/pg_store.h"
#include "storage/pg_task_writes.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

absl::Status TaskNotFound(absl::string_view project_id, absl::string_view task_id) {
  return absl::NotFoundError(
      absl::StrCat("task ", task_id, " does not exist in project ", project_id));
}

}  // namespace

absl::Status PgStore::CreateTask(const TaskRecord& task, const TaskEvent& event) {
  return pool_->Run("CreateTask", [&](pqxx::connection& connection) -> absl::Status {
    pqxx::work tx(connection);
    tx.exec_params(sql::kInsertTask, task.id, task.project_id, task.name, task.description,
                   task.kind, task.job_id, task.config_json,
                   std::string(task_model::ToDcsString(task.status)), task.error,
                   task.desired_state, task.stats_json, task.lease_owner, task.lease_epoch,
                   MicrosOrNull(task.lease_expires_at), MicrosOrNow(task.created_at),
                   MicrosOrNow(task.updated_at), MicrosOrNull(task.released_at));
    if (!event.code.empty()) InsertEvent(tx, task.id, event);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<TaskRecord> PgStore::GetTask(absl::string_view project_id,
                                            absl::string_view task_id) {
  return pool_->Run("GetTask", [&](pqxx::connection& connection) -> absl::StatusOr<TaskRecord> {
    pqxx::read_transaction tx(connection);
    pqxx::result rows =
        tx.exec_params(sql::kSelectTask, std::string(project_id), std::string(task_id));
    if (rows.empty()) return TaskNotFound(project_id, task_id);
    return TaskFromRow(rows[0]);
  });
}

absl::StatusOr<TaskRecord> PgStore::GetTaskByJob(absl::string_view project_id,
                                                 absl::string_view job_id) {
  return pool_->Run(
      "GetTaskByJob", [&](pqxx::connection& connection) -> absl::StatusOr<TaskRecord> {
        pqxx::read_transaction tx(connection);
        pqxx::result rows =
            tx.exec_params(sql::kSelectTaskByJob, std::string(project_id), std::string(job_id));
        if (rows.empty()) {
          return absl::NotFoundError(
              absl::StrCat("no task was created by job ", job_id, " in project ", project_id));
        }
        return TaskFromRow(rows[0]);
      });
}

absl::StatusOr<Page<TaskRecord>> PgStore::ListTasks(absl::string_view project_id,
                                                    absl::string_view name_filter, int offset,
                                                    int limit) {
  RETURN_IF_ERROR(CheckPaging(offset, limit));
  const std::string project(project_id);
  const std::string pattern = ContainsPattern(name_filter);
  return pool_->Run(
      "ListTasks", [&](pqxx::connection& connection) -> absl::StatusOr<Page<TaskRecord>> {
        pqxx::read_transaction tx(connection);
        Page<TaskRecord> page;
        page.total = tx.exec_params1(sql::kCountTasks, project, pattern)[0].as<int64_t>();
        for (const pqxx::row& row :
             tx.exec_params(sql::kListTasks, project, pattern, offset, limit)) {
          ASSIGN_OR_RETURN(TaskRecord task, TaskFromRow(row));
          page.rows.push_back(std::move(task));
        }
        return page;
      });
}

absl::StatusOr<TaskRecord> PgStore::UpdateTask(absl::string_view project_id,
                                               absl::string_view task_id,
                                               const TaskMutation& mutate) {
  const std::string project(project_id);
  const std::string id(task_id);
  return pool_->Run("UpdateTask", [&](pqxx::connection& connection) -> absl::StatusOr<TaskRecord> {
    pqxx::work tx(connection);
    pqxx::result rows = tx.exec_params(sql::kSelectTaskForUpdate, project, id);
    if (rows.empty()) return TaskNotFound(project_id, task_id);
    ASSIGN_OR_RETURN(TaskRecord task, TaskFromRow(rows[0]));
    TaskEvent event;
    RETURN_IF_ERROR(mutate(task, event));  // the transaction rolls back on return
    ASSIGN_OR_RETURN(auto written_row, WriteTask(tx, project, id, task));
    auto& [written, claimable] = written_row;
    if (!event.code.empty()) InsertEvent(tx, id, event);
    if (claimable) tx.exec_params(sql::kNotifyTask, kTaskChannel, id);
    tx.commit();
    return written;
  });
}

absl::StatusOr<std::vector<TaskRecord>> PgStore::ListLiveTasks(int limit) {
  return pool_->Run("ListLiveTasks",
                    [&](pqxx::connection& connection) -> absl::StatusOr<std::vector<TaskRecord>> {
                      pqxx::read_transaction tx(connection);
                      std::vector<TaskRecord> tasks;
                      for (const pqxx::row& row : tx.exec_params(sql::kListLiveTasks, limit)) {
                        ASSIGN_OR_RETURN(TaskRecord task, TaskFromRow(row));
                        tasks.push_back(std::move(task));
                      }
                      return tasks;
                    });
}

absl::StatusOr<Page<TaskEvent>> PgStore::ListEvents(absl::string_view task_id,
                                                    absl::string_view level, int offset,
                                                    int limit) {
  RETURN_IF_ERROR(CheckPaging(offset, limit));
  const std::string id(task_id);
  const std::string wanted_level(level);
  return pool_->Run(
      "ListEvents", [&](pqxx::connection& connection) -> absl::StatusOr<Page<TaskEvent>> {
        pqxx::read_transaction tx(connection);
        Page<TaskEvent> page;
        page.total = tx.exec_params1(sql::kCountEvents, id, wanted_level)[0].as<int64_t>();
        for (const pqxx::row& row :
             tx.exec_params(sql::kListEvents, id, wanted_level, offset, limit)) {
          page.rows.push_back(EventFromRow(row));
        }
        return page;
      });
}

}  // namespace rms::storage
