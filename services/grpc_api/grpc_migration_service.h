// The gRPC MigrationService: authenticates metadata, calls MigrationApi, maps errors.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "rms/v1/migration.grpc.pb.h"
#include "services/api/migration_api.h"
#include "services/api/string_fields.h"
#include "services/auth/authenticator.h"
#include "services/metrics/api_metrics.h"

namespace rms::grpc_api {

// Synchronous handlers (they block on PostgreSQL). Credentials: metadata `x-auth-token`, or
// `authorization` + `x-sdk-date` (+ `x-project-id`) signed over method POST, path
// "/rms.v1.MigrationService/<Method>", no query, and body = the request serialised
// deterministically. Errors carry their DCS code in trailing metadata `dcs-error-code`.
class GrpcMigrationService final : public v1::MigrationService::Service {
 public:
  GrpcMigrationService(api::MigrationApi& api, const auth::Authenticator& authenticator,
                       metrics::ApiMetrics& metrics);

#define RMS_GRPC_METHOD(Name, Request, Response)                               \
  grpc::Status Name(grpc::ServerContext* context, const v1::Request* request,  \
                    v1::Response* response) override {                         \
    return Call(#Name, context, *request, response, &api::MigrationApi::Name); \
  }
  RMS_GRPC_METHOD(CreateOnlineTask, CreateOnlineTaskRequest, CreateOnlineTaskResponse)
  RMS_GRPC_METHOD(ConfigureTask, ConfigureTaskRequest, ConfigureTaskResponse)
  RMS_GRPC_METHOD(CreateImportTask, CreateImportTaskRequest, CreateImportTaskResponse)
  RMS_GRPC_METHOD(ShowJob, ShowJobRequest, ShowJobResponse)
  RMS_GRPC_METHOD(ListTasks, ListTasksRequest, ListTasksResponse)
  RMS_GRPC_METHOD(ShowTask, TaskIdRequest, TaskDetails)
  RMS_GRPC_METHOD(ShowTaskStats, TaskIdRequest, TaskStats)
  RMS_GRPC_METHOD(ListTaskLogs, ListLogsRequest, ListLogsResponse)
  RMS_GRPC_METHOD(UpdateTask, UpdateTaskRequest, TaskDetails)
  RMS_GRPC_METHOD(StopTask, TaskIdRequest, TaskDetails)
  RMS_GRPC_METHOD(SyncStopTask, TaskIdRequest, SyncStopResponse)
  RMS_GRPC_METHOD(BatchStopTasks, BatchTasksRequest, BatchTasksResponse)
  RMS_GRPC_METHOD(BatchRestartTasks, BatchTasksRequest, BatchTasksResponse)
  RMS_GRPC_METHOD(DeleteTasks, DeleteTasksRequest, DeleteTasksResponse)
  RMS_GRPC_METHOD(StartVerification, StartVerificationRequest, StartVerificationResponse)
  RMS_GRPC_METHOD(ShowVerification, ShowVerificationRequest, Verification)
  RMS_GRPC_METHOD(CreateInstance, CreateInstanceRequest, Instance)
  RMS_GRPC_METHOD(ListInstances, ListInstancesRequest, ListInstancesResponse)
  RMS_GRPC_METHOD(ShowInstance, InstanceIdRequest, Instance)
  RMS_GRPC_METHOD(DeleteInstance, InstanceIdRequest, DeleteInstanceResponse)
#undef RMS_GRPC_METHOD

 private:
  // Authenticates, runs `method`, records metrics, maps the error. One path for every RPC.
  template <typename Request, typename Response>
  grpc::Status Call(const char* name, grpc::ServerContext* context, const Request& request,
                    Response* response,
                    absl::StatusOr<Response> (api::MigrationApi::*method)(const Request&)) {
    const auto started = std::chrono::steady_clock::now();
    const std::string path = std::string("/rms.v1.MigrationService/") + name;
    absl::Status status = Authenticate(path, *context, request, request.project_id());
    if (status.ok()) status = api::ValidateRequestStrings(request);
    if (status.ok()) {
      absl::StatusOr<Response> result = (api_.*method)(request);
      if (result.ok()) *response = *std::move(result);
      status = result.status();
    }
    return Finish(path, started, context, status);
  }
  absl::Status Authenticate(const std::string& path, const grpc::ServerContext& context,
                            const google::protobuf::Message& request,
                            const std::string& project_id) const;
  grpc::Status Finish(const std::string& path, std::chrono::steady_clock::time_point started,
                      grpc::ServerContext* context, const absl::Status& status);

  api::MigrationApi& api_;
  const auth::Authenticator& authenticator_;
  metrics::ApiMetrics& metrics_;
};

// Serialises `message` deterministically (the body that gRPC AK/SK signatures cover).
std::string DeterministicBytes(const google::protobuf::Message& message);

// Starts a gRPC server with `service`, the standard health service (NOT_SERVING at first) and
// server reflection on host:port (port 0 = any); returns it and the port. `credentials` null:
// plaintext (see server_credentials.h for TLS).
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    grpc::Service& service, const std::string& host, int port, int* bound_port,
    std::shared_ptr<grpc::ServerCredentials> credentials = nullptr);

// Sets the grpc.health.v1.Health status of every service of `server` (SERVING or NOT_SERVING).
// Any thread.
void SetServing(grpc::Server& server, bool serving);

}  // namespace rms::grpc_api
