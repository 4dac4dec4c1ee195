// MigrationApi: verification of a task's source against its target (our extension of the API).
#include "services/api/migration_api.h"
#include "services/api/request_validation.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/crypto/random.h"

namespace rms::api {
namespace {

// OK when the task has both sides to compare; DCS.4139 naming the reason otherwise.
absl::Status CheckVerifiable(const storage::TaskRecord& task) {
  if (task.kind != "online_migration") {
    return errors::NotVerifiable(task.id, "it is a backup-file import task (it has no source)");
  }
  if (task.status == task_model::TaskStatus::kDeleted)
    return errors::NotVerifiable(task.id, "it is deleted");
  ASSIGN_OR_RETURN(TaskConfig config, TaskConfigFromJson(task.config_json));
  if (!config.source || !config.target) {
    return errors::NotVerifiable(task.id, "it is not configured yet (no source and target)");
  }
  if (!config.db_mapping.empty()) {
    return errors::NotVerifiable(
        task.id,
        "it has a db_mapping, which the verification does not follow yet (it would "
        "compare each source db with the target db of the same number)");
  }
  return absl::OkStatus();
}

storage::VerificationRecord NewVerification(const storage::TaskRecord& task,
                                            const v1::StartVerificationBody& body, absl::Time now) {
  storage::VerificationRecord v;
  v.task_id = task.id;
  v.project_id = task.project_id;
  v.mode = body.mode().empty() ? "full" : body.mode();
  v.sample_keys = body.sample_keys();
  v.ttl_tolerance_s = body.has_ttl_tolerance_s() ? body.ttl_tolerance_s() : kDefaultTtlToleranceS;
  v.max_source_ops_per_s = body.has_max_source_ops() ? body.max_source_ops() : kDefaultSourceOps;
  v.status = "RUNNING";
  v.created_at = now;
  return v;
}

v1::Verification VerificationOf(const storage::VerificationRecord& v) {
  v1::Verification out;
  out.set_verification_id(v.id);
  out.set_status(v.status);
  out.set_keys_checked(v.counts.keys_checked);
  out.set_missing(v.counts.missing);
  out.set_extra(v.counts.extra);
  out.set_value_mismatch(v.counts.value_mismatch);
  out.set_ttl_mismatch(v.counts.ttl_mismatch);
  out.set_type_mismatch(v.counts.type_mismatch);
  for (const storage::VerificationExample& example : v.examples) {
    v1::VerificationExample* added = out.add_examples();
    added->set_db(example.db);
    added->set_key(example.key);
    added->set_problem(example.problem);
  }
  out.set_error(v.error);
  return out;
}

}  // namespace

absl::StatusOr<v1::StartVerificationResponse> MigrationApi::StartVerification(
    const v1::StartVerificationRequest& request) {
  RETURN_IF_ERROR(ValidateVerificationBody(request.body()));
  ASSIGN_OR_RETURN(storage::TaskRecord task, LoadTask(request.project_id(), request.task_id()));
  RETURN_IF_ERROR(CheckVerifiable(task));
  storage::VerificationRecord verification =
      NewVerification(task, request.body(), options_.clock());
  ASSIGN_OR_RETURN(verification.id, crypto::RandomHex(16));
  absl::Status created = verifications_.CreateVerification(verification);
  if (absl::IsNotFound(created) && !errors::DcsCodeOf(created)) {
    return errors::TaskNotFound(request.task_id());  // deleted (purged) meanwhile
  }
  RETURN_IF_ERROR(created);
  v1::StartVerificationResponse response;
  response.set_verification_id(verification.id);
  return response;
}

absl::StatusOr<v1::Verification> MigrationApi::ShowVerification(
    const v1::ShowVerificationRequest& request) {
  ASSIGN_OR_RETURN(storage::TaskRecord task, LoadTask(request.project_id(), request.task_id()));
  auto verification =
      verifications_.GetVerification(task.project_id, task.id, request.verification_id());
  if (absl::IsNotFound(verification.status()) && !errors::DcsCodeOf(verification.status())) {
    return errors::VerificationNotFound(request.verification_id());
  }
  if (!verification.ok()) return verification.status();
  return VerificationOf(*verification);
}

}  // namespace rms::api
