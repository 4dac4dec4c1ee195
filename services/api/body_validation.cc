// The rules of each request body as a whole, shared by MigrationApi and the body fuzz target.
#include "services/api/body_validation.h"

#include "absl/strings/string_view.h"
#include "services/api/addrs.h"
#include "services/api/request_validation.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace rms::api {
namespace {

constexpr absl::string_view kImport = "backupfile_import";

}  // namespace

absl::Status ValidateCreateOnlineTaskBody(const v1::CreateOnlineTaskBody& body) {
  RETURN_IF_ERROR(ValidateTaskName("name", body.name()));
  return ValidateDescription("description", body.description());
}

absl::Status ValidateConfigureTaskBody(const v1::ConfigureTaskBody& body) {
  RETURN_IF_ERROR(ValidateMigrationMethod("migration_method", body.migration_method()));
  RETURN_IF_ERROR(ValidateResumeMode("resume_mode", body.resume_mode()));
  RETURN_IF_ERROR(ValidateBandwidth("bandwidth_limit_mb", body.bandwidth_limit_mb()));
  RETURN_IF_ERROR(ValidateFullResyncPolicy("full_resync_policy", body.full_resync_policy()));
  RETURN_IF_ERROR(ValidateDbMapping("db_mapping", body.db_mapping()));
  RETURN_IF_ERROR(
      ValidateInstanceBody("source_instance", body.has_source_instance(), body.source_instance()));
  return ValidateInstanceBody("target_instance", body.has_target_instance(),
                              body.target_instance());
}

absl::Status ValidateCreateImportTaskBody(const v1::CreateImportTaskBody& body) {
  RETURN_IF_ERROR(ValidateTaskName("task_name", body.task_name()));
  RETURN_IF_ERROR(ValidateDescription("description", body.description()));
  if (body.migration_type().empty()) return errors::MissingField("migration_type");
  if (body.migration_type() != kImport) return errors::BadValue("migration_type", kImport);
  if (body.migration_method().empty()) return errors::MissingField("migration_method");
  if (body.migration_method() != "full_amount_migration") {
    return errors::BadValue("migration_method", "full_amount_migration");
  }
  RETURN_IF_ERROR(ValidateBandwidth("bandwidth_limit_mb", body.bandwidth_limit_mb()));
  RETURN_IF_ERROR(
      ValidateBackupFiles("backup_files", body.has_backup_files(), body.backup_files()));
  return ValidateInstanceBody("target_instance", body.has_target_instance(),
                              body.target_instance());
}

absl::Status ValidateUpdateTaskBody(const v1::UpdateTaskBody& body) {
  if (body.resume_mode().empty() && body.bandwidth_limit_mb().empty()) {
    return errors::MissingField("resume_mode");
  }
  if (!body.resume_mode().empty()) {
    RETURN_IF_ERROR(ValidateResumeMode("resume_mode", body.resume_mode()));
  }
  return ValidateBandwidth("bandwidth_limit_mb", body.bandwidth_limit_mb());
}

absl::Status ValidateBatchTasksBody(const v1::BatchTasksBody& body) {
  if (body.migration_tasks().empty()) return errors::MissingField("migration_tasks");
  return absl::OkStatus();
}

absl::Status ValidateDeleteTasksBody(const v1::DeleteTasksBody& body) {
  if (body.task_id_list().empty()) return errors::MissingField("task_id_list");
  return absl::OkStatus();
}

absl::Status ValidateCreateInstanceBody(const v1::CreateInstanceBody& body) {
  if (body.name().empty()) return errors::MissingField("name");
  if (body.name().size() > 64) return errors::BadValue("name", "at most 64 characters");
  if (body.addrs().empty()) return errors::MissingField("addrs");
  RETURN_IF_ERROR(ParseAddrs("addrs", body.addrs()).status());
  if (body.password().size() > 512) return errors::BadValue("password", "at most 512 bytes");
  return ValidateDescription("description", body.description());
}

}  // namespace rms::api
