// REST/gRPC parity (acceptance 1): the same failure gives the same DCS code on both protocols.
#include <gtest/gtest.h>

#include "tests/e2e/parity_fixture.h"

namespace rms::e2e {
namespace {

using test_support::GrpcReply;
using test_support::HttpReply;

const char kUnknownTask[] = "0123456789abcdef0123456789abcdef";

// The REST and the gRPC reply are the same catalogue error, with the same message unless
// `same_message` is false (REST checks query parameters in the gateway, in its own words).
template <typename Response>
void ExpectSameError(const HttpReply& rest, const GrpcReply<Response>& grpc, int http_status,
                     const std::string& code, grpc::StatusCode grpc_code,
                     bool same_message = true) {
  EXPECT_EQ(rest.status, http_status) << rest.body;
  EXPECT_FALSE(rest.request_id.empty());
  ASSERT_TRUE(rest.json.is_object()) << rest.body;
  EXPECT_EQ(rest.json.size(), 3u) << rest.body;
  EXPECT_EQ(rest.json.value("error_code", ""), code) << rest.body;
  EXPECT_NE(rest.json.value("error_msg", ""), "") << rest.body;
  EXPECT_TRUE(rest.json.contains("error_ext_msg") && rest.json["error_ext_msg"].is_null());
  EXPECT_EQ(grpc.status.error_code(), grpc_code) << grpc.status.error_message();
  EXPECT_EQ(grpc.dcs_code, code);
  if (same_message) {
    EXPECT_EQ(grpc.status.error_message(), rest.json.value("error_msg", ""));
  }
  ExpectNoSecrets(rest.body);
  ExpectNoSecrets(grpc.status.error_message());
}

class ParityErrorsTest : public ParityTest {
 protected:
  // ConfigureTask of project A's `task_id` over REST (`rest_body`) and gRPC (`grpc_body`) must
  // fail alike.
  void ExpectConfigureError(const std::string& task_id, const Json& rest_body,
                            const Json& grpc_body, int http_status, const std::string& code,
                            grpc::StatusCode grpc_code) {
    HttpReply rest = a_.rest->Send("POST", P("/migration/" + task_id + "/task"), rest_body.dump());
    auto request = WithBody<v1::ConfigureTaskRequest>(grpc_body);
    request.set_task_id(task_id);
    ExpectSameError(rest, a_.grpc->Call(&Stub::ConfigureTask, request), http_status, code,
                    grpc_code);
  }
};

TEST_F(ParityErrorsTest, UnknownTaskIsNotFoundEverywhere) {
  const std::string path = P(std::string("/migration-task/") + kUnknownTask);
  const auto request = TaskReq(kUnknownTask);
  const int kNotFound = 404;
  const auto code = grpc::StatusCode::NOT_FOUND;
  ExpectSameError(a_.rest->Send("GET", path), a_.grpc->Call(&Stub::ShowTask, request), kNotFound,
                  "DCS.4133", code);
  ExpectSameError(a_.rest->Send("GET", path + "/stats"),
                  a_.grpc->Call(&Stub::ShowTaskStats, request), kNotFound, "DCS.4133", code);
  ExpectSameError(a_.rest->Send("POST", path + "/stop"), a_.grpc->Call(&Stub::StopTask, request),
                  kNotFound, "DCS.4133", code);
  v1::ListLogsRequest logs;
  logs.set_project_id(project_a_);
  logs.set_task_id(kUnknownTask);
  ExpectSameError(a_.rest->Send("GET", path + "/logs"), a_.grpc->Call(&Stub::ListTaskLogs, logs),
                  kNotFound, "DCS.4133", code);
  ExpectConfigureError(kUnknownTask, SeedConfigure(123), SeedConfigure("123"), kNotFound,
                       "DCS.4133", code);
}

TEST_F(ParityErrorsTest, MissingOrUnknownCredentialsAreUnauthenticated) {
  v1::ListTasksRequest request;
  request.set_project_id(project_a_);
  ExpectSameError(rest_anonymous_->Send("GET", P("/migration-tasks")),
                  grpc_anonymous_->Call(&Stub::ListTasks, request), 401, "DCS.4010",
                  grpc::StatusCode::UNAUTHENTICATED);
  const std::string bogus = "rms_" + std::string(64, 'f');
  test_support::RestClient rest(env()->server->http_port(), bogus);
  test_support::GrpcClient grpc(env()->server->grpc_port(), bogus);
  ExpectSameError(rest.Send("GET", P("/migration-tasks")), grpc.Call(&Stub::ListTasks, request),
                  401, "DCS.4010", grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ParityErrorsTest, AnotherProjectsTokenIsForbidden) {
  Twins twins = CreateTwins("parity-forbidden");
  ExpectSameError(b_.rest->Send("GET", P("/migration-task/" + twins.rest_id)),
                  b_.grpc->Call(&Stub::ShowTask, TaskReq(twins.rest_id)), 403, "DCS.4030",
                  grpc::StatusCode::PERMISSION_DENIED);
  v1::ListTasksRequest list;
  list.set_project_id(project_a_);
  ExpectSameError(b_.rest->Send("GET", P("/migration-tasks")),
                  b_.grpc->Call(&Stub::ListTasks, list), 403, "DCS.4030",
                  grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ParityErrorsTest, AnotherProjectsTaskIsNotFound) {
  Twins twins = CreateTwins("parity-hidden");
  const std::string id = twins.rest_id;
  const std::string path = ApiPath(project_b_, "/migration-task/" + id);
  ExpectSameError(b_.rest->Send("GET", path),
                  b_.grpc->Call(&Stub::ShowTask, TaskRequest(id, project_b_)), 404, "DCS.4133",
                  grpc::StatusCode::NOT_FOUND);
  auto configure = WithBody<v1::ConfigureTaskRequest>(SeedConfigure("123"));
  configure.set_project_id(project_b_);
  configure.set_task_id(id);
  ExpectSameError(b_.rest->Send("POST", ApiPath(project_b_, "/migration/" + id + "/task"),
                                SeedConfigure(123).dump()),
                  b_.grpc->Call(&Stub::ConfigureTask, configure), 404, "DCS.4133",
                  grpc::StatusCode::NOT_FOUND);
  v1::DeleteTasksRequest remove;
  remove.set_project_id(project_b_);
  remove.mutable_body()->add_task_id_list(id);
  ExpectSameError(b_.rest->Send("DELETE", ApiPath(project_b_, "/migration-tasks/delete"),
                                Json{{"task_id_list", {id}}}.dump()),
                  b_.grpc->Call(&Stub::DeleteTasks, remove), 404, "DCS.4133",
                  grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ShowBoth(id)["status"], "RUNNING");  // untouched in its own project
}

TEST_F(ParityErrorsTest, StateErrorsMatch) {
  Twins twins = CreateTwins("parity-state");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  ExpectConfigureError(twins.rest_id, SeedConfigure(123), SeedConfigure("123"), 400, "DCS.4134",
                       grpc::StatusCode::FAILED_PRECONDITION);
  v1::DeleteTasksRequest remove;
  remove.set_project_id(project_a_);
  remove.mutable_body()->add_task_id_list(twins.rest_id);
  ExpectSameError(a_.rest->Send("DELETE", P("/migration-tasks/delete"),
                                Json{{"task_id_list", {twins.rest_id}}}.dump()),
                  a_.grpc->Call(&Stub::DeleteTasks, remove), 400, "DCS.4135",
                  grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ShowBoth(twins.rest_id)["status"], "MIGRATING");
}

TEST_F(ParityErrorsTest, ValidationErrorsMatch) {
  Twins twins = CreateTwins("parity-invalid");
  Json rest_body = SeedConfigure(0), grpc_body = SeedConfigure("0");
  ExpectConfigureError(twins.rest_id, rest_body, grpc_body, 400, "DCS.4004",
                       grpc::StatusCode::INVALID_ARGUMENT);
  rest_body = SeedConfigure(123);
  rest_body["target_instance"]["addrs"] = "127.0.0.1:6379";
  grpc_body = SeedConfigure("123");
  grpc_body["target_instance"]["addrs"] = "127.0.0.1:6379";
  ExpectConfigureError(twins.rest_id, rest_body, grpc_body, 400, "DCS.4006",
                       grpc::StatusCode::INVALID_ARGUMENT);
  rest_body["source_instance"] = grpc_body["source_instance"] = {{"id", kUnknownTask}};
  ExpectConfigureError(twins.rest_id, rest_body, grpc_body, 400, "DCS.4007",
                       grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ShowBoth(twins.rest_id)["status"], "RUNNING");
}

TEST_F(ParityErrorsTest, BadPagingAndLogLevelMatch) {
  Twins twins = CreateTwins("parity-paging");
  v1::ListTasksRequest list;
  list.set_project_id(project_a_);
  list.set_limit(1001);
  ExpectSameError(a_.rest->Send("GET", P("/migration-tasks?limit=1001")),
                  a_.grpc->Call(&Stub::ListTasks, list), 400, "DCS.4008",
                  grpc::StatusCode::INVALID_ARGUMENT, /*same_message=*/false);
  v1::ListLogsRequest logs;
  logs.set_project_id(project_a_);
  logs.set_task_id(twins.rest_id);
  logs.set_log_level("debug");
  ExpectSameError(
      a_.rest->Send("GET", P("/migration-task/" + twins.rest_id + "/logs?log_level=debug")),
      a_.grpc->Call(&Stub::ListTaskLogs, logs), 400, "DCS.4008",
      grpc::StatusCode::INVALID_ARGUMENT);
  logs.set_log_level("");
  logs.set_offset(-1);
  ExpectSameError(a_.rest->Send("GET", P("/migration-task/" + twins.rest_id + "/logs?offset=-1")),
                  a_.grpc->Call(&Stub::ListTaskLogs, logs), 400, "DCS.4008",
                  grpc::StatusCode::INVALID_ARGUMENT, /*same_message=*/false);
}

}  // namespace
}  // namespace rms::e2e
