// MigrationApi: task creation, configuration and the shared helpers of the core.
#include "services/api/migration_api.h"

#include "absl/strings/str_cat.h"
#include "services/api/addrs.h"
#include "services/api/body_validation.h"
#include "services/api/endpoint_identity.h"
#include "services/api/task_state.h"
#include "services/api/task_views.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/crypto/random.h"

namespace rms::api {
namespace {

constexpr absl::string_view kOnline = "online_migration";
constexpr absl::string_view kImport = "backupfile_import";

// Both endpoints resolved: they must not reach a common server (after name resolution).
absl::Status CheckDistinct(const EndpointConfig& source, const EndpointConfig& target) {
  ASSIGN_OR_RETURN(auto source_nodes, ParseAddrs("source_instance.addrs", source.addrs));
  ASSIGN_OR_RETURN(auto target_nodes, ParseAddrs("target_instance.addrs", target.addrs));
  if (SameServer(source_nodes, target_nodes)) return errors::SameInstance();
  return absl::OkStatus();
}

storage::TaskRecord NewTask(absl::string_view project_id, absl::string_view kind, absl::Time now) {
  storage::TaskRecord task;
  task.project_id = std::string(project_id);
  task.kind = std::string(kind);
  task.created_at = task.updated_at = now;
  return task;
}

storage::TaskEvent CreationEvent(const storage::TaskRecord& task, std::string message) {
  storage::TaskEvent event;
  event.level = "info";
  event.code = "TASK_CREATED";
  event.message = std::move(message);
  event.to_status = std::string(task_model::ToDcsString(task.status));
  return event;
}

}  // namespace

MigrationApi::MigrationApi(storage::TaskStore& tasks, storage::InstanceStore& instances,
                           storage::VerificationStore& verifications,
                           const crypto::SecretBox& secrets, MigrationApiOptions options)
    : tasks_(tasks),
      instances_(instances),
      verifications_(verifications),
      secrets_(secrets),
      options_(std::move(options)),
      sync_stop_slots_(options_.max_sync_stop_waits) {}

absl::StatusOr<v1::CreateOnlineTaskResponse> MigrationApi::CreateOnlineTask(
    const v1::CreateOnlineTaskRequest& request) {
  const v1::CreateOnlineTaskBody& body = request.body();
  RETURN_IF_ERROR(ValidateCreateOnlineTaskBody(body));
  storage::TaskRecord task = NewTask(request.project_id(), kOnline, options_.clock());
  ASSIGN_OR_RETURN(task.id, crypto::RandomHex(16));
  ASSIGN_OR_RETURN(task.job_id, crypto::RandomHex(16));
  task.name = body.name();
  task.description = body.description();
  task.status = TaskStatus::kRunning;
  task.desired_state = std::string(kWantIdle);
  TaskConfig config;
  config.vpc_id = body.vpc_id();
  config.subnet_id = body.subnet_id();
  config.security_group_id = body.security_group_id();
  task.config_json = TaskConfigToJson(config);
  storage::TaskEvent event =
      CreationEvent(task, "online migration task created; configure it to start");
  RETURN_IF_ERROR(tasks_.CreateTask(task, event));
  v1::CreateOnlineTaskResponse response;
  response.set_instance_id(task.id);
  response.set_job_id(task.job_id);
  response.set_id(task.id);
  response.set_name(task.name);
  response.set_status(StatusOf(task));
  return response;
}

absl::StatusOr<v1::ConfigureTaskResponse> MigrationApi::ConfigureTask(
    const v1::ConfigureTaskRequest& request) {
  RETURN_IF_ERROR(ValidateConfigureTaskBody(request.body()));
  ASSIGN_OR_RETURN(storage::TaskRecord existing, LoadTask(request.project_id(), request.task_id()));
  if (existing.kind != kOnline) {
    return errors::WrongState("configure", existing.kind, "online_migration tasks");
  }
  const v1::ConfigureTaskBody& body = request.body();
  ASSIGN_OR_RETURN(EndpointConfig source, ResolveEndpoint(request.project_id(), "source_instance",
                                                          body.source_instance()));
  ASSIGN_OR_RETURN(EndpointConfig target, ResolveEndpoint(request.project_id(), "target_instance",
                                                          body.target_instance()));
  RETURN_IF_ERROR(CheckDistinct(source, target));
  ASSIGN_OR_RETURN(TaskConfig config, TaskConfigFromJson(existing.config_json));
  config.migration_method = body.migration_method();
  config.resume_mode = body.resume_mode();
  config.bandwidth_limit_mb = body.bandwidth_limit_mb();
  config.full_resync_policy = body.full_resync_policy();
  config.db_mapping = std::map<int, int>(body.db_mapping().begin(), body.db_mapping().end());
  config.source = std::move(source);
  config.target = std::move(target);
  if (options_.check_peers) RETURN_IF_ERROR(options_.check_peers(config));
  const std::string config_json = TaskConfigToJson(config);
  ASSIGN_OR_RETURN(storage::TaskRecord task,
                   Mutate(request.project_id(), request.task_id(),
                          [&](storage::TaskRecord& row, storage::TaskEvent& event) -> absl::Status {
                            RETURN_IF_ERROR(ApplyConfigure(row, event));
                            row.config_json = config_json;
                            event.keywords = {config.migration_method, config.resume_mode};
                            return absl::OkStatus();
                          }));
  v1::ConfigureTaskResponse response;
  response.set_id(task.id);
  response.set_name(task.name);
  response.set_status(StatusOf(task));
  response.set_error(task.error);
  return response;
}

absl::StatusOr<v1::CreateImportTaskResponse> MigrationApi::CreateImportTask(
    const v1::CreateImportTaskRequest& request) {
  const v1::CreateImportTaskBody& body = request.body();
  RETURN_IF_ERROR(ValidateCreateImportTaskBody(body));
  TaskConfig config;
  config.migration_method = body.migration_method();
  config.resume_mode = "manual";
  config.bandwidth_limit_mb = body.bandwidth_limit_mb();
  config.file_source = body.backup_files().file_source();
  config.bucket_name = body.backup_files().bucket_name();
  for (const v1::BackupFile& file : body.backup_files().files()) {
    config.files.push_back(ImportFile{file.file_name(), file.size()});
  }
  ASSIGN_OR_RETURN(config.target, ResolveEndpoint(request.project_id(), "target_instance",
                                                  body.target_instance()));
  storage::TaskRecord task = NewTask(request.project_id(), kImport, options_.clock());
  ASSIGN_OR_RETURN(task.id, crypto::RandomHex(16));
  ASSIGN_OR_RETURN(task.job_id, crypto::RandomHex(16));
  task.name = body.task_name();
  task.description = body.description();
  task.status = TaskStatus::kMigrating;
  task.desired_state = std::string(kWantRunning);
  task.config_json = TaskConfigToJson(config);
  storage::TaskEvent event =
      CreationEvent(task, "backup-file import task created; waiting for a worker");
  RETURN_IF_ERROR(tasks_.CreateTask(task, event));
  v1::CreateImportTaskResponse response;
  response.set_id(task.id);
  response.set_name(task.name);
  response.set_status(StatusOf(task));
  return response;
}

absl::StatusOr<v1::ShowJobResponse> MigrationApi::ShowJob(const v1::ShowJobRequest& request) {
  auto task = tasks_.GetTaskByJob(request.project_id(), request.job_id());
  if (absl::IsNotFound(task.status())) return errors::JobNotFound(request.job_id());
  if (!task.ok()) return task.status();
  v1::ShowJobResponse response;
  response.set_job_id(request.job_id());
  response.set_status("SUCCESS");  // tasks are created synchronously
  return response;
}

absl::StatusOr<storage::TaskRecord> MigrationApi::LoadTask(absl::string_view project_id,
                                                           absl::string_view task_id) {
  auto task = tasks_.GetTask(project_id, task_id);
  if (absl::IsNotFound(task.status()) && !errors::DcsCodeOf(task.status())) {
    return errors::TaskNotFound(task_id);
  }
  return task;
}

absl::StatusOr<storage::TaskRecord> MigrationApi::Mutate(absl::string_view project_id,
                                                         absl::string_view task_id,
                                                         const storage::TaskMutation& mutate) {
  auto task = tasks_.UpdateTask(project_id, task_id, mutate);
  if (absl::IsNotFound(task.status()) && !errors::DcsCodeOf(task.status())) {
    return errors::TaskNotFound(task_id);
  }
  return task;
}

absl::StatusOr<v1::TaskDetails> MigrationApi::DetailsOf(const storage::TaskRecord& task) {
  ASSIGN_OR_RETURN(TaskConfig config, TaskConfigFromJson(task.config_json));
  return TaskDetailsOf(task, config);
}

absl::StatusOr<EndpointConfig> MigrationApi::ResolveEndpoint(absl::string_view project_id,
                                                             absl::string_view field,
                                                             const v1::InstanceBody& body) {
  EndpointConfig endpoint;
  endpoint.addrs = body.addrs();
  // The ACL user and TLS come from the body for a registered instance too: the registry does not
  // store them, and neither sends the stored password anywhere but the instance's address.
  endpoint.username = body.username();
  if (body.tls().enabled()) {
    endpoint.tls = task_config::TlsConfig{true, body.tls().ca_cert(), body.tls().server_name(),
                                          body.tls().insecure_skip_verify()};
  }
  if (!body.id().empty()) {
    auto instance = instances_.GetInstance(project_id, body.id());
    if (absl::IsNotFound(instance.status())) return errors::UnknownInstanceId(field, body.id());
    if (!instance.ok()) return instance.status();
    endpoint.instance_id = instance->id;
    endpoint.instance_name = instance->name;
    endpoint.addrs = instance->addrs;  // validation refused addrs or password beside an id
    endpoint.sealed_password = instance->encrypted_password;
    if (!endpoint.username.empty() && endpoint.sealed_password.empty()) {
      return errors::BadValue(absl::StrCat(field, ".username"),
                              "a user name with a password (the registered instance has none)");
    }
    return endpoint;
  }
  if (!body.password().empty()) {
    ASSIGN_OR_RETURN(endpoint.sealed_password, secrets_.Seal(body.password()));
  }
  return endpoint;
}

}  // namespace rms::api
