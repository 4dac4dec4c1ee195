// The DCS REST routes: decode path, query and body into a request message, call the core,
// encode the reply. No validation or state logic lives here.
#include "services/gateway/api_routes.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "services/api/string_fields.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/rest_json/json_codec.h"
#include "services/rest_json/request_body.h"

namespace rms::gateway {
namespace {

using api::MigrationApi;
using Params = const RouteRequest&;

absl::Status DecodeBody(Params req, google::protobuf::Message& body) {
  return rest_json::DecodeRequestBody(req.body, rest_json::BodyPresence::kRequired, body);
}

// Reads an optional non-negative integer query parameter (DCS.4008 otherwise).
absl::Status QueryInt(Params req, absl::string_view name, int max, int32_t& out) {
  for (const auto& [key, value] : req.query) {
    if (key != name) continue;
    bool digits = !value.empty() && value.size() <= 9 &&
                  std::all_of(value.begin(), value.end(), absl::ascii_isdigit);
    int parsed = 0;
    if (!digits || !absl::SimpleAtoi(value, &parsed) || parsed > max) {
      return errors::BadQuery(name, absl::StrCat("must be an integer between 0 and ", max));
    }
    out = parsed;
  }
  return absl::OkStatus();
}

std::string QueryText(Params req, absl::string_view name) {
  for (const auto& [key, value] : req.query) {
    if (key == name) return value;
  }
  return "";
}

// Sets `offset` and `limit` of a list request from the query.
template <typename ListRequest>
absl::Status FillPaging(Params req, ListRequest& out) {
  int32_t offset = 0, limit = 0;
  RETURN_IF_ERROR(QueryInt(req, "offset", 1 << 30, offset));
  RETURN_IF_ERROR(QueryInt(req, "limit", 1000, limit));
  out.set_offset(offset);
  out.set_limit(limit);
  return absl::OkStatus();
}

// Builds a handler: `fill` turns the HTTP request into `Req`, then `method` runs on the core.
template <typename Req, typename Resp>
RouteHandler Adapt(MigrationApi& api, absl::StatusOr<Resp> (MigrationApi::*method)(const Req&),
                   std::function<absl::Status(Params, Req&)> fill) {
  return [&api, method, fill](Params req) -> absl::StatusOr<std::string> {
    Req request;
    RETURN_IF_ERROR(fill(req, request));
    RETURN_IF_ERROR(api::ValidateRequestStrings(request));
    ASSIGN_OR_RETURN(Resp response, (api.*method)(request));
    return rest_json::EncodeJson(response);
  };
}

absl::Status FillTaskId(Params req, v1::TaskIdRequest& out) {
  out.set_project_id(req.params.at("project_id"));
  out.set_task_id(req.params.at("task_id"));
  return absl::OkStatus();
}

absl::Status FillBatch(Params req, v1::BatchTasksRequest& out) {
  out.set_project_id(req.params.at("project_id"));
  return DecodeBody(req, *out.mutable_body());
}

void AddTaskRoutes(Router& router, MigrationApi& api) {
  const std::string base = "/v2/{project_id}";
  router.Add({"POST", base + "/migration/instance", true,
              Adapt<v1::CreateOnlineTaskRequest>(api, &MigrationApi::CreateOnlineTask,
                                                 [](Params req, v1::CreateOnlineTaskRequest& out) {
                                                   out.set_project_id(req.params.at("project_id"));
                                                   return DecodeBody(req, *out.mutable_body());
                                                 })});
  router.Add({"POST", base + "/migration/{task_id}/task", true,
              Adapt<v1::ConfigureTaskRequest>(api, &MigrationApi::ConfigureTask,
                                              [](Params req, v1::ConfigureTaskRequest& out) {
                                                out.set_project_id(req.params.at("project_id"));
                                                out.set_task_id(req.params.at("task_id"));
                                                return DecodeBody(req, *out.mutable_body());
                                              })});
  router.Add({"POST", base + "/migration-task", true,
              Adapt<v1::CreateImportTaskRequest>(api, &MigrationApi::CreateImportTask,
                                                 [](Params req, v1::CreateImportTaskRequest& out) {
                                                   out.set_project_id(req.params.at("project_id"));
                                                   return DecodeBody(req, *out.mutable_body());
                                                 })});
  router.Add({"GET", base + "/jobs/{job_id}", true,
              Adapt<v1::ShowJobRequest>(api, &MigrationApi::ShowJob,
                                        [](Params req, v1::ShowJobRequest& out) {
                                          out.set_project_id(req.params.at("project_id"));
                                          out.set_job_id(req.params.at("job_id"));
                                          return absl::OkStatus();
                                        })});
  router.Add({"GET", base + "/migration-tasks", true,
              Adapt<v1::ListTasksRequest>(api, &MigrationApi::ListTasks,
                                          [](Params req, v1::ListTasksRequest& out) {
                                            out.set_project_id(req.params.at("project_id"));
                                            out.set_name(QueryText(req, "name"));
                                            return FillPaging(req, out);
                                          })});
}

void AddTaskLifecycleRoutes(Router& router, MigrationApi& api) {
  const std::string base = "/v2/{project_id}";
  // Literal paths first: they overlap the {task_id} templates.
  router.Add({"POST", base + "/migration-task/batch-stop", true,
              Adapt<v1::BatchTasksRequest>(api, &MigrationApi::BatchStopTasks, FillBatch)});
  router.Add({"POST", base + "/migration-tasks/batch-restart", true,
              Adapt<v1::BatchTasksRequest>(api, &MigrationApi::BatchRestartTasks, FillBatch)});
  router.Add({"DELETE", base + "/migration-tasks/delete", true,
              Adapt<v1::DeleteTasksRequest>(api, &MigrationApi::DeleteTasks,
                                            [](Params req, v1::DeleteTasksRequest& out) {
                                              out.set_project_id(req.params.at("project_id"));
                                              return DecodeBody(req, *out.mutable_body());
                                            })});
  const std::string task = base + "/migration-task/{task_id}";
  router.Add(
      {"GET", task, true, Adapt<v1::TaskIdRequest>(api, &MigrationApi::ShowTask, FillTaskId)});
  router.Add({"GET", task + "/stats", true,
              Adapt<v1::TaskIdRequest>(api, &MigrationApi::ShowTaskStats, FillTaskId)});
  router.Add({"GET", task + "/logs", true,
              Adapt<v1::ListLogsRequest>(api, &MigrationApi::ListTaskLogs,
                                         [](Params req, v1::ListLogsRequest& out) {
                                           out.set_project_id(req.params.at("project_id"));
                                           out.set_task_id(req.params.at("task_id"));
                                           out.set_log_level(QueryText(req, "log_level"));
                                           return FillPaging(req, out);
                                         })});
  router.Add({"PUT", task, true,
              Adapt<v1::UpdateTaskRequest>(api, &MigrationApi::UpdateTask,
                                           [](Params req, v1::UpdateTaskRequest& out) {
                                             out.set_project_id(req.params.at("project_id"));
                                             out.set_task_id(req.params.at("task_id"));
                                             return DecodeBody(req, *out.mutable_body());
                                           })});
  router.Add({"POST", task + "/stop", true,
              Adapt<v1::TaskIdRequest>(api, &MigrationApi::StopTask, FillTaskId)});
  router.Add({"POST", task + "/sync-stop", true,
              Adapt<v1::TaskIdRequest>(api, &MigrationApi::SyncStopTask, FillTaskId)});
}

// Verification (our extension). The verify body is optional: an empty one means the defaults.
void AddVerificationRoutes(Router& router, MigrationApi& api) {
  const std::string task = "/v2/{project_id}/migration-task/{task_id}";
  router.Add({"POST", task + "/verify", true,
              Adapt<v1::StartVerificationRequest>(
                  api, &MigrationApi::StartVerification,
                  [](Params req, v1::StartVerificationRequest& out) {
                    out.set_project_id(req.params.at("project_id"));
                    out.set_task_id(req.params.at("task_id"));
                    return rest_json::DecodeRequestBody(
                        req.body, rest_json::BodyPresence::kOptional, *out.mutable_body());
                  })});
  router.Add({"GET", task + "/verifications/{verification_id}", true,
              Adapt<v1::ShowVerificationRequest>(api, &MigrationApi::ShowVerification,
                                                 [](Params req, v1::ShowVerificationRequest& out) {
                                                   out.set_project_id(req.params.at("project_id"));
                                                   out.set_task_id(req.params.at("task_id"));
                                                   out.set_verification_id(
                                                       req.params.at("verification_id"));
                                                   return absl::OkStatus();
                                                 })});
}

void AddInstanceRoutes(Router& router, MigrationApi& api) {
  const std::string base = "/v2/{project_id}/instances";
  auto fill_id = [](Params req, v1::InstanceIdRequest& out) {
    out.set_project_id(req.params.at("project_id"));
    out.set_instance_id(req.params.at("instance_id"));
    return absl::OkStatus();
  };
  router.Add({"POST", base, true,
              Adapt<v1::CreateInstanceRequest>(api, &MigrationApi::CreateInstance,
                                               [](Params req, v1::CreateInstanceRequest& out) {
                                                 out.set_project_id(req.params.at("project_id"));
                                                 return DecodeBody(req, *out.mutable_body());
                                               })});
  router.Add({"GET", base, true,
              Adapt<v1::ListInstancesRequest>(api, &MigrationApi::ListInstances,
                                              [](Params req, v1::ListInstancesRequest& out) {
                                                out.set_project_id(req.params.at("project_id"));
                                                return FillPaging(req, out);
                                              })});
  router.Add({"GET", base + "/{instance_id}", true,
              Adapt<v1::InstanceIdRequest>(api, &MigrationApi::ShowInstance, fill_id)});
  router.Add({"DELETE", base + "/{instance_id}", true,
              Adapt<v1::InstanceIdRequest>(api, &MigrationApi::DeleteInstance, fill_id)});
}

}  // namespace

void AddApiRoutes(Router& router, MigrationApi& api) {
  AddTaskRoutes(router, api);
  AddTaskLifecycleRoutes(router, api);
  AddVerificationRoutes(router, api);
  AddInstanceRoutes(router, api);
}

}  // namespace rms::gateway
