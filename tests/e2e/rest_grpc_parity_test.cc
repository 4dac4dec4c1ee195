// REST/gRPC parity (acceptance 1): creation, configuration, import, queries and update agree.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/parity_fixture.h"

namespace rms::e2e {
namespace {

TEST_F(ParityTest, CreateOnlineTaskAndShowJob) {
  Twins twins = CreateTwins("parity-create");
  for (const std::string& job : {twins.rest_job, twins.grpc_job}) {
    v1::ShowJobRequest request;
    request.set_project_id(project_a_);
    request.set_job_id(job);
    Json rest = RestOk("GET", "/jobs/" + job);
    EXPECT_EQ(rest, GrpcOk(&Stub::ShowJob, request));
    EXPECT_EQ(rest, (Json{{"job_id", job}, {"status", "SUCCESS"}}));
  }
}

TEST_F(ParityTest, ConfigureSeedExample) {
  Twins twins = CreateTwins("parity-seed");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  Json rest_task = ShowBoth(twins.rest_id);
  Json grpc_task = ShowBoth(twins.grpc_id);
  EXPECT_EQ(WithoutIds(rest_task), WithoutIds(grpc_task));
  EXPECT_EQ(rest_task["status"], "MIGRATING");
  EXPECT_EQ(rest_task["migration_type"], "online_migration");
  EXPECT_EQ(rest_task["migration_method"], "incremental_migration");
  EXPECT_EQ(rest_task["resume_mode"], "auto");
  EXPECT_EQ(rest_task["bandwidth_limit_mb"], "123");
  EXPECT_EQ(rest_task["vpc_id"], "vpc-1");
  EXPECT_EQ(rest_task["source_instance"]["addrs"], "127.0.0.1:6379");
  EXPECT_EQ(rest_task["source_instance"]["ip"], "127.0.0.1");
  EXPECT_EQ(rest_task["source_instance"]["port"], "6379");
  EXPECT_EQ(rest_task["target_instance"]["addrs"], "127.0.0.1:6380");
  EXPECT_FALSE(rest_task["source_instance"].contains("password"));
}

TEST_F(ParityTest, CreateImportTask) {
  const Json body = {
      {"task_name", "parity-import"},
      {"description", "rdb import"},
      {"migration_type", "backupfile_import"},
      {"migration_method", "full_amount_migration"},
      {"backup_files",
       {{"file_source", "local"}, {"files", {{{"file_name", "dump.rdb"}, {"size", "1024"}}}}}},
      {"target_instance", {{"addrs", "127.0.0.1:6380"}, {"password", "tgtpass"}}}};
  Json rest = RestOk("POST", "/migration-task", body);
  Json grpc = GrpcOk(&Stub::CreateImportTask, WithBody<v1::CreateImportTaskRequest>(body));
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(rest.value("name", ""), "parity-import");
  Json rest_task = ShowBoth(rest.value("id", ""));
  EXPECT_EQ(WithoutIds(rest_task), WithoutIds(ShowBoth(grpc.value("id", ""))));
  EXPECT_EQ(rest_task["status"], rest["status"]);
  EXPECT_EQ(rest_task["migration_type"], "backupfile_import");
  EXPECT_EQ(rest_task["backup_files"]["files"][0]["file_name"], "dump.rdb");
  EXPECT_EQ(rest_task["target_instance"]["addrs"], "127.0.0.1:6380");
}

// One list query, as REST query text and as gRPC fields, and what it must find.
struct ListQuery {
  std::string query;  // REST query string
  std::string name;
  int offset, limit;
  int expected_count;
  size_t expected_rows;
};

TEST_F(ParityTest, ListTasksWithFilterAndPaging) {
  RestOk("POST", "/migration/instance", {{"name", "alpha-one"}});
  RestOk("POST", "/migration/instance", {{"name", "alpha-two"}});
  GrpcOk(&Stub::CreateOnlineTask, WithBody<v1::CreateOnlineTaskRequest>({{"name", "beta-one"}}));
  const ListQuery queries[] = {{"", "", 0, 0, 3, 3},
                               {"?name=alpha", "alpha", 0, 0, 2, 2},
                               {"?offset=1&limit=1", "", 1, 1, 3, 1},
                               {"?name=beta&limit=5", "beta", 0, 5, 1, 1},
                               {"?offset=5", "", 5, 0, 3, 0}};
  for (const ListQuery& q : queries) {
    SCOPED_TRACE(q.query);
    v1::ListTasksRequest request;
    request.set_project_id(project_a_);
    request.set_name(q.name);
    request.set_offset(q.offset);
    request.set_limit(q.limit);
    Json rest = RestOk("GET", "/migration-tasks" + q.query);
    EXPECT_EQ(rest, GrpcOk(&Stub::ListTasks, request));
    EXPECT_EQ(rest["count"], q.expected_count);
    ASSERT_EQ(rest["migration_tasks"].size(), q.expected_rows) << rest.dump();
    for (const Json& row : rest["migration_tasks"]) {
      EXPECT_NE(row["task_name"].get<std::string>().find(q.name), std::string::npos);
      EXPECT_EQ(row["status"], "RUNNING");
      EXPECT_EQ(row["migration_type"], "online_migration");
    }
  }
}

TEST_F(ParityTest, ShowStatsAndLogs) {
  Twins twins = CreateTwins("parity-logs");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  for (const std::string& id : {twins.rest_id, twins.grpc_id}) {
    Json stats = RestOk("GET", "/migration-task/" + id + "/stats");
    EXPECT_EQ(stats, GrpcOk(&Stub::ShowTaskStats, TaskReq(id)));
  }
  Json stats = RestOk("GET", "/migration-task/" + twins.rest_id + "/stats");
  EXPECT_EQ(stats["full_migration_progress"], "0");
  EXPECT_EQ(stats["target_ops"], "0");
  EXPECT_EQ(stats["is_migrating"], false);
  const ListQuery queries[] = {{"", "", 0, 0, 2, 2},
                               {"?log_level=info", "info", 0, 0, 2, 2},
                               {"?log_level=error", "error", 0, 0, 0, 0},
                               {"?offset=1&limit=1", "", 1, 1, 2, 1}};
  for (const ListQuery& q : queries) {
    SCOPED_TRACE(q.query);
    v1::ListLogsRequest request;
    request.set_project_id(project_a_);
    request.set_task_id(twins.rest_id);
    request.set_log_level(q.name);
    request.set_offset(q.offset);
    request.set_limit(q.limit);
    Json rest = RestOk("GET", "/migration-task/" + twins.rest_id + "/logs" + q.query);
    EXPECT_EQ(rest, GrpcOk(&Stub::ListTaskLogs, request));
    EXPECT_EQ(rest["log_num"], q.expected_count);
    EXPECT_EQ(rest["migration_logs"].size(), q.expected_rows) << rest.dump();
  }
  Json all = RestOk("GET", "/migration-task/" + twins.rest_id + "/logs");
  std::set<std::string> codes;
  for (const Json& log : all["migration_logs"]) codes.insert(log.value("log_code", ""));
  EXPECT_EQ(codes, (std::set<std::string>{"TASK_CREATED", "TASK_CONFIGURED"}));
}

TEST_F(ParityTest, UpdateAppliesResumeModeAndBandwidth) {
  Twins twins = CreateTwins("parity-update");
  ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
  Json rest = RestOk("PUT", "/migration-task/" + twins.rest_id,
                     {{"resume_mode", "manual"}, {"bandwidth_limit_mb", 200}});
  auto request =
      WithBody<v1::UpdateTaskRequest>({{"resume_mode", "manual"}, {"bandwidth_limit_mb", "200"}});
  request.set_task_id(twins.grpc_id);
  Json grpc = GrpcOk(&Stub::UpdateTask, request);
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(rest["resume_mode"], "manual");
  EXPECT_EQ(rest["bandwidth_limit_mb"], "200");  // a string, as the DCS API returns it
  Json shown = ShowBoth(twins.rest_id);
  EXPECT_EQ(shown["resume_mode"], "manual");
  EXPECT_EQ(shown["bandwidth_limit_mb"], "200");
  EXPECT_EQ(WithoutIds(shown), WithoutIds(ShowBoth(twins.grpc_id)));
}

}  // namespace
}  // namespace rms::e2e
