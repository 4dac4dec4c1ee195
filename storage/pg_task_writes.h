// Statements shared by the task stores of the API and of the workers, inside a transaction.
#pragma once

#include <pqxx/transaction>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "storage/records.h"

namespace rms::storage {

// Appends `event` to the log of task `task_id`.
void InsertEvent(pqxx::work& tx, const std::string& task_id, const TaskEvent& event);

// Writes the mutable columns of `task` and returns the row as stored plus whether a worker may
// claim it now.
absl::StatusOr<std::pair<TaskRecord, bool>> WriteTask(pqxx::work& tx, const std::string& project_id,
                                      const std::string& task_id, const TaskRecord& task);

}  // namespace rms::storage
