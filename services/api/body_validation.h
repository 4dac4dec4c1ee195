// The rules of each request body as a whole (which fields are mandatory, which go together),
// before anything is read from or written to storage. Pure: no store, no clock, no network.
#pragma once

#include "absl/status/status.h"
#include "rms/v1/migration.pb.h"

namespace rms::api {

// name (task name rules) and description.
absl::Status ValidateCreateOnlineTaskBody(const v1::CreateOnlineTaskBody& body);
// migration_method, resume_mode, bandwidth_limit_mb, full_resync_policy, and both instances.
absl::Status ValidateConfigureTaskBody(const v1::ConfigureTaskBody& body);
// task_name, description, migration_type backupfile_import, migration_method
// full_amount_migration, bandwidth_limit_mb, backup_files and target_instance.
absl::Status ValidateCreateImportTaskBody(const v1::CreateImportTaskBody& body);
// resume_mode or bandwidth_limit_mb (at least one), each valid when given.
absl::Status ValidateUpdateTaskBody(const v1::UpdateTaskBody& body);
// migration_tasks not empty (batch-stop, batch-restart).
absl::Status ValidateBatchTasksBody(const v1::BatchTasksBody& body);
// task_id_list not empty.
absl::Status ValidateDeleteTasksBody(const v1::DeleteTasksBody& body);
// name (1..64 characters), addrs (parsed), password at most 512 bytes, description.
absl::Status ValidateCreateInstanceBody(const v1::CreateInstanceBody& body);

}  // namespace rms::api
