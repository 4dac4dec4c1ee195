// MigrationApi: the instance registry (our extension: instances a configure body names by id).
#include "services/api/body_validation.h"
#include "services/api/migration_api.h"
#include "services/api/request_validation.h"
#include "services/api/task_views.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/crypto/random.h"

namespace rms::api {

absl::StatusOr<v1::Instance> MigrationApi::CreateInstance(
    const v1::CreateInstanceRequest& request) {
  const v1::CreateInstanceBody& body = request.body();
  RETURN_IF_ERROR(ValidateCreateInstanceBody(body));
  storage::InstanceRecord instance;
  ASSIGN_OR_RETURN(instance.id, crypto::RandomHex(16));
  instance.project_id = request.project_id();
  instance.name = body.name();
  instance.addrs = body.addrs();
  instance.description = body.description();
  if (!body.password().empty()) {
    ASSIGN_OR_RETURN(instance.encrypted_password, secrets_.Seal(body.password()));
  }
  instance.created_at = options_.clock();
  RETURN_IF_ERROR(instances_.CreateInstance(instance));
  return InstanceOf(instance);
}

absl::StatusOr<v1::ListInstancesResponse> MigrationApi::ListInstances(
    const v1::ListInstancesRequest& request) {
  RETURN_IF_ERROR(ValidatePaging(request.offset(), request.limit()));
  ASSIGN_OR_RETURN(auto page,
                   instances_.ListInstances(request.project_id(), request.offset(),
                                            request.limit() == 0 ? 100 : request.limit()));
  v1::ListInstancesResponse response;
  response.set_count(static_cast<int32_t>(page.total));
  for (const storage::InstanceRecord& instance : page.rows) {
    *response.add_instances() = InstanceOf(instance);
  }
  return response;
}

absl::StatusOr<v1::Instance> MigrationApi::ShowInstance(const v1::InstanceIdRequest& request) {
  auto instance = instances_.GetInstance(request.project_id(), request.instance_id());
  if (absl::IsNotFound(instance.status())) return errors::InstanceNotFound(request.instance_id());
  if (!instance.ok()) return instance.status();
  return InstanceOf(*instance);
}

absl::StatusOr<v1::DeleteInstanceResponse> MigrationApi::DeleteInstance(
    const v1::InstanceIdRequest& request) {
  absl::Status status = instances_.DeleteInstance(request.project_id(), request.instance_id());
  if (absl::IsNotFound(status)) return errors::InstanceNotFound(request.instance_id());
  RETURN_IF_ERROR(status);
  return v1::DeleteInstanceResponse();
}

}  // namespace rms::api
