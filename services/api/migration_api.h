// MigrationApi: the protocol-neutral core behind gRPC and REST: validation, the task state
// machine, persistence. Callers have already authenticated the request for its project_id.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rms/v1/migration.pb.h"
#include "services/api/wait_slots.h"
#include "services/crypto/secret_box.h"
#include "services/task_config/task_config.h"
#include "storage/instance_store.h"
#include "storage/task_store.h"
#include "storage/verification_store.h"

namespace rms::api {

using task_config::EndpointConfig;
using task_config::ImportFile;
using task_config::TaskConfig;
using task_config::TaskConfigFromJson;
using task_config::TaskConfigToJson;

struct MigrationApiOptions {
  // How long SyncStopTask waits for a worker to drain before answering DCS.4134.
  absl::Duration sync_stop_timeout = absl::Seconds(60);
  // SyncStopTask calls that may wait at once in this process (each parks a server thread);
  // beyond that a sync-stop requests the stop and answers DCS.4134 at once if not yet stopped.
  int max_sync_stop_waits = 4;
  // The wall clock (tests may pin it).
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Asked at configure with the new config (its passwords sealed): a catalogue error refuses the
  // configuration (e.g. a source's databases that cannot fit the target). Null = no check.
  std::function<absl::Status(const task_config::TaskConfig&)> check_peers;
};

// Every method is thread-safe (state lives in the stores) and returns catalogue errors: the
// adapters map them to gRPC and HTTP in one place. No method logs or returns a password.
class MigrationApi {
 public:
  MigrationApi(storage::TaskStore& tasks, storage::InstanceStore& instances,
               storage::VerificationStore& verifications, const crypto::SecretBox& secrets,
               MigrationApiOptions options = {});

  absl::StatusOr<v1::CreateOnlineTaskResponse> CreateOnlineTask(
      const v1::CreateOnlineTaskRequest& request);
  absl::StatusOr<v1::ConfigureTaskResponse> ConfigureTask(const v1::ConfigureTaskRequest& request);
  absl::StatusOr<v1::CreateImportTaskResponse> CreateImportTask(
      const v1::CreateImportTaskRequest& request);
  absl::StatusOr<v1::ShowJobResponse> ShowJob(const v1::ShowJobRequest& request);

  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& request);
  absl::StatusOr<v1::TaskDetails> ShowTask(const v1::TaskIdRequest& request);
  absl::StatusOr<v1::TaskStats> ShowTaskStats(const v1::TaskIdRequest& request);
  absl::StatusOr<v1::ListLogsResponse> ListTaskLogs(const v1::ListLogsRequest& request);

  absl::StatusOr<v1::TaskDetails> UpdateTask(const v1::UpdateTaskRequest& request);
  absl::StatusOr<v1::TaskDetails> StopTask(const v1::TaskIdRequest& request);
  absl::StatusOr<v1::SyncStopResponse> SyncStopTask(const v1::TaskIdRequest& request);
  absl::StatusOr<v1::BatchTasksResponse> BatchStopTasks(const v1::BatchTasksRequest& request);
  absl::StatusOr<v1::BatchTasksResponse> BatchRestartTasks(const v1::BatchTasksRequest& request);
  absl::StatusOr<v1::DeleteTasksResponse> DeleteTasks(const v1::DeleteTasksRequest& request);

  // Verification (our extension): queues a comparison of the task's source and target for a
  // worker (DCS.4139 unless the task is a configured online migration task).
  absl::StatusOr<v1::StartVerificationResponse> StartVerification(
      const v1::StartVerificationRequest& request);
  // DCS.4138 when the verification does not belong to the task.
  absl::StatusOr<v1::Verification> ShowVerification(const v1::ShowVerificationRequest& request);

  absl::StatusOr<v1::Instance> CreateInstance(const v1::CreateInstanceRequest& request);
  absl::StatusOr<v1::ListInstancesResponse> ListInstances(const v1::ListInstancesRequest& request);
  absl::StatusOr<v1::Instance> ShowInstance(const v1::InstanceIdRequest& request);
  absl::StatusOr<v1::DeleteInstanceResponse> DeleteInstance(const v1::InstanceIdRequest& request);

 private:
  // The task of the project, or DCS.4133 (also for another project's task).
  absl::StatusOr<storage::TaskRecord> LoadTask(absl::string_view project_id,
                                               absl::string_view task_id);
  // Applies `mutate` to the task under the store's row lock; DCS.4133 when absent.
  absl::StatusOr<storage::TaskRecord> Mutate(absl::string_view project_id,
                                             absl::string_view task_id,
                                             const storage::TaskMutation& mutate);
  absl::StatusOr<v1::TaskDetails> DetailsOf(const storage::TaskRecord& task);
  // Resolves an instance body (registered id or addrs) and seals its password.
  absl::StatusOr<EndpointConfig> ResolveEndpoint(absl::string_view project_id,
                                                 absl::string_view field,
                                                 const v1::InstanceBody& body);
  // Runs one operation per task id and reports each result (batch-stop / batch-restart).
  v1::BatchTasksResponse ForEachTask(
      const v1::BatchTasksRequest& request,
      const std::function<absl::Status(const std::string& task_id)>& operation);

  storage::TaskStore& tasks_;
  storage::InstanceStore& instances_;
  storage::VerificationStore& verifications_;
  const crypto::SecretBox& secrets_;
  MigrationApiOptions options_;
  WaitSlots sync_stop_slots_;
};

}  // namespace rms::api
