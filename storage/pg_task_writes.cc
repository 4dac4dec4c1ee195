// Statements shared by the task stores of the API and of the workers, inside a transaction.
#include "storage/pg_task_writes.h"

#include "storage/pg_rows.h"
#include "storage/sql_queries.h"

namespace rms::storage {

void InsertEvent(pqxx::work& tx, const std::string& task_id, const TaskEvent& event) {
  tx.exec_params(sql::kInsertEvent, task_id, event.level.empty() ? "info" : event.level, event.code,
                 event.message, KeywordsToJson(event.keywords), event.from_status, event.to_status);
}

absl::StatusOr<std::pair<TaskRecord, bool>> WriteTask(pqxx::work& tx, const std::string& project_id,
                                                      const std::string& task_id,
                                                      const TaskRecord& task) {
  pqxx::row row =
      tx.exec_params1(sql::kUpdateTask, project_id, task_id, task.name, task.description, task.kind,
                      task.config_json, std::string(task_model::ToDcsString(task.status)),
                      task.error, task.desired_state, task.stats_json, task.lease_owner,
                      task.lease_epoch, MicrosOrNull(task.lease_expires_at),
                      MicrosOrNull(task.released_at), task.target_empty_at_first_sync);
  absl::StatusOr<TaskRecord> written = TaskFromRow(row);
  if (!written.ok()) return written.status();
  return std::make_pair(*std::move(written), row[kTaskColumnCount].as<bool>());
}

}  // namespace rms::storage
