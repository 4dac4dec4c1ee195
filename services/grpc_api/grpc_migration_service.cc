// The gRPC MigrationService: authenticates metadata, calls MigrationApi, maps errors.
#include "services/grpc_api/grpc_migration_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/errors.h"
#include "services/common/log.h"
#include "services/status_mapping/status_mapping.h"

namespace rms::grpc_api {
namespace {

const char* GrpcCodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : "UNKNOWN";
}

}  // namespace

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

GrpcMigrationService::GrpcMigrationService(api::MigrationApi& api,
                                           const auth::Authenticator& authenticator,
                                           metrics::ApiMetrics& metrics)
    : api_(api), authenticator_(authenticator), metrics_(metrics) {}

absl::Status GrpcMigrationService::Authenticate(const std::string& path,
                                                const grpc::ServerContext& context,
                                                const google::protobuf::Message& request,
                                                const std::string& project_id) const {
  auth::SignableRequest signable;
  signable.method = "POST";
  signable.path = path;
  for (const auto& [name, value] : context.client_metadata()) {
    signable.headers.emplace(std::string(name.data(), name.size()),
                             std::string(value.data(), value.size()));
  }
  signable.body = DeterministicBytes(request);
  return authenticator_.Authenticate(signable, project_id).status();
}

grpc::Status GrpcMigrationService::Finish(const std::string& path,
                                          std::chrono::steady_clock::time_point started,
                                          grpc::ServerContext* context,
                                          const absl::Status& status) {
  grpc::Status result = grpc::Status::OK;
  if (!status.ok()) {
    status_mapping::MappedError error = status_mapping::MapError(status);
    if (!errors::DcsCodeOf(status)) {
      LogError(absl::StrCat("grpc ", path, " failed internally: ", status.ToString()));
    }
    context->AddTrailingMetadata(status_mapping::kGrpcCodeKey, error.dcs_code);
    result = status_mapping::ToGrpcStatus(error);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.ObserveRequest("grpc", path, "POST", GrpcCodeName(result.error_code()), seconds);
  return result;
}

absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    grpc::Service& service, const std::string& host, int port, int* bound_port,
    std::shared_ptr<grpc::ServerCredentials> credentials) {
  // The standard grpc.health.v1.Health service (NOT_SERVING until the first readiness check
  // says otherwise: see SetServing) and server reflection, so that generic tools and probes
  // work without our proto files.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(
      absl::StrCat(host.find(':') != std::string::npos ? absl::StrCat("[", host, "]") : host, ":",
                   port),
      credentials ? credentials : grpc::InsecureServerCredentials(), bound_port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || *bound_port <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for gRPC on ", host, ":", port));
  }
  SetServing(*server, false);
  return server;
}

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);  // the whole server
  health->SetServingStatus(v1::MigrationService::service_full_name(), serving);
}

}  // namespace rms::grpc_api
