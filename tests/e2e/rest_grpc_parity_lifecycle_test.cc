// REST/gRPC parity (acceptance 1): stop, sync-stop, batches, delete and instances agree.
#include <gtest/gtest.h>

#include "tests/e2e/parity_fixture.h"

namespace rms::e2e {
namespace {

v1::BatchTasksRequest Batch(const std::string& project, const std::vector<std::string>& ids) {
  v1::BatchTasksRequest request;
  request.set_project_id(project);
  for (const std::string& id : ids) request.mutable_body()->add_migration_tasks(id);
  return request;
}

TEST_F(ParityTest, StopTerminatesWithoutWorker) {
  Twins twins = CreateTwins("parity-stop");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  Json rest = RestOk("POST", "/migration-task/" + twins.rest_id + "/stop");
  Json grpc = GrpcOk(&Stub::StopTask, TaskReq(twins.grpc_id));
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(rest["status"], "TERMINATED");
  EXPECT_EQ(rest["task_id"], twins.rest_id);
  EXPECT_EQ(ShowBoth(twins.grpc_id)["status"], "TERMINATED");
}

TEST_F(ParityTest, SyncStopAnswersOnceStopped) {
  Twins twins = CreateTwins("parity-sync");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  Json rest = RestOk("POST", "/migration-task/" + twins.rest_id + "/sync-stop");
  Json grpc = GrpcOk(&Stub::SyncStopTask, TaskReq(twins.grpc_id));
  EXPECT_EQ(rest, Json::object());
  EXPECT_EQ(rest, grpc);
  EXPECT_EQ(ShowBoth(twins.rest_id)["status"], "TERMINATED");
  EXPECT_EQ(ShowBoth(twins.grpc_id)["status"], "TERMINATED");
}

TEST_F(ParityTest, BatchStopAndBatchRestart) {
  Twins twins = CreateTwins("parity-batch");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  const std::string unknown = "00000000000000000000000000000000";
  Json rest =
      RestOk("POST", "/migration-task/batch-stop", {{"migration_tasks", {twins.rest_id, unknown}}});
  Json grpc = GrpcOk(&Stub::BatchStopTasks, Batch(project_a_, {twins.grpc_id, unknown}));
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  ASSERT_EQ(rest["migration_tasks"].size(), 2u) << rest.dump();
  EXPECT_EQ(rest["migration_tasks"][0]["task_id"], twins.rest_id);
  EXPECT_EQ(rest["migration_tasks"][0]["result"], "success");
  EXPECT_EQ(rest["migration_tasks"][1]["task_id"], unknown);
  EXPECT_EQ(rest["migration_tasks"][1]["result"], "failed");
  EXPECT_EQ(rest["migration_tasks"][1]["error_code"], "DCS.4133");
  EXPECT_EQ(ShowBoth(twins.grpc_id)["status"], "TERMINATED");

  rest = RestOk("POST", "/migration-tasks/batch-restart", {{"migration_tasks", {twins.rest_id}}});
  grpc = GrpcOk(&Stub::BatchRestartTasks, Batch(project_a_, {twins.grpc_id}));
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(rest["migration_tasks"][0]["result"], "success") << rest.dump();
  EXPECT_EQ(ShowBoth(twins.rest_id)["status"], "MIGRATING");
  EXPECT_EQ(ShowBoth(twins.grpc_id)["status"], "MIGRATING");
}

TEST_F(ParityTest, DeleteMarksDeletedAndLeavesTheList) {
  Twins twins = CreateTwins("parity-delete");
  Json rest = RestOk("DELETE", "/migration-tasks/delete", {{"task_id_list", {twins.rest_id}}});
  v1::DeleteTasksRequest request;
  request.set_project_id(project_a_);
  request.mutable_body()->add_task_id_list(twins.grpc_id);
  Json grpc = GrpcOk(&Stub::DeleteTasks, request);
  EXPECT_EQ(rest, (Json{{"task_id_list", {twins.rest_id}}}));
  EXPECT_EQ(grpc, (Json{{"task_id_list", {twins.grpc_id}}}));
  Json shown = ShowBoth(twins.rest_id);
  EXPECT_EQ(shown["status"], "DELETED");
  EXPECT_NE(shown["released_at"], "");
  EXPECT_EQ(WithoutIds(shown), WithoutIds(ShowBoth(twins.grpc_id)));
  v1::ListTasksRequest list;
  list.set_project_id(project_a_);
  Json listed = RestOk("GET", "/migration-tasks");
  EXPECT_EQ(listed, GrpcOk(&Stub::ListTasks, list));
  EXPECT_EQ(listed, (Json{{"count", 0}, {"migration_tasks", Json::array()}}));
}

v1::InstanceIdRequest InstanceRequest(const std::string& project, const std::string& id) {
  v1::InstanceIdRequest request;
  request.set_project_id(project);
  request.set_instance_id(id);
  return request;
}

TEST_F(ParityTest, InstancesAndConfigureByInstanceId) {
  const Json body = {{"name", "src-inst"},
                     {"addrs", "127.0.0.1:7000"},
                     {"password", "instpass"},
                     {"description", "source"}};
  Json rest = RestOk("POST", "/instances", body);
  Json grpc = GrpcOk(&Stub::CreateInstance, WithBody<v1::CreateInstanceRequest>(body));
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(WithoutIds(rest), (Json{{"name", "src-inst"},
                                    {"addrs", "127.0.0.1:7000"},
                                    {"description", "source"},
                                    {"has_password", true}}));
  const std::string rest_instance = rest["id"], grpc_instance = grpc["id"];
  v1::ListInstancesRequest list;
  list.set_project_id(project_a_);
  Json listed = RestOk("GET", "/instances");
  EXPECT_EQ(listed, GrpcOk(&Stub::ListInstances, list));
  EXPECT_EQ(listed["count"], 2);
  for (const std::string& id : {rest_instance, grpc_instance}) {
    EXPECT_EQ(RestOk("GET", "/instances/" + id),
              GrpcOk(&Stub::ShowInstance, InstanceRequest(project_a_, id)));
  }

  Twins twins = CreateTwins("parity-by-id");
  auto by_id = [](const std::string& id) {
    return Json{{"migration_method", "full_amount_migration"},
                {"resume_mode", "manual"},
                {"source_instance", {{"id", id}}},
                {"target_instance", {{"addrs", "127.0.0.1:6380"}, {"password", "tgtpass"}}}};
  };
  ConfigureTwins(twins, by_id(rest_instance), by_id(grpc_instance));
  Json task = ShowBoth(twins.rest_id);
  EXPECT_EQ(WithoutIds(task), WithoutIds(ShowBoth(twins.grpc_id)));
  EXPECT_EQ(task["source_instance"]["id"], rest_instance);
  EXPECT_EQ(task["source_instance"]["name"], "src-inst");
  EXPECT_EQ(task["source_instance"]["addrs"], "127.0.0.1:7000");

  EXPECT_EQ(RestOk("DELETE", "/instances/" + rest_instance), Json::object());
  EXPECT_EQ(GrpcOk(&Stub::DeleteInstance, InstanceRequest(project_a_, grpc_instance)),
            Json::object());
  test_support::HttpReply gone = a_.rest->Send("GET", P("/instances/" + rest_instance));
  auto grpc_gone = a_.grpc->Call(&Stub::ShowInstance, InstanceRequest(project_a_, grpc_instance));
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json.value("error_code", ""), "DCS.4136");
  EXPECT_EQ(grpc_gone.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(grpc_gone.dcs_code, "DCS.4136");
  EXPECT_EQ(RestOk("GET", "/instances")["count"], 0);
}

}  // namespace
}  // namespace rms::e2e
