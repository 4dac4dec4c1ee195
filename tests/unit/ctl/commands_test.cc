// Unit tests of the commands against a scripted API: requests sent, output, exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/ctl/exit_codes.h"
#include "tests/unit/ctl/fake_api.h"

namespace rms::ctl {
namespace {

using testing::Harness;
using ::testing::HasSubstr;
using ::testing::Not;

const Json kTask = {{"task_id", "t1"},
                    {"task_name", "move"},
                    {"status", "SUCCESS"},
                    {"source_instance", {{"addrs", "127.0.0.1:6379"}}}};

TEST(CommandsTest, ShowPrintsKeyValuesOrJson) {
  Harness h;
  h.api.Reply("GET", "/v2/p/migration-task/t1", kTask);
  EXPECT_EQ(h.Run({"show", "t1"}), 0);
  EXPECT_THAT(h.out.str(), HasSubstr("source_instance.addrs: 127.0.0.1:6379\n"));
  EXPECT_THAT(h.out.str(), HasSubstr("status: SUCCESS\n"));
  Harness j;
  j.api.Reply("GET", "/v2/p/migration-task/t1", kTask);
  EXPECT_EQ(j.Run({"show", "t1", "--json"}), 0);
  EXPECT_EQ(Json::parse(j.out.str()), kTask);
}

TEST(CommandsTest, ApiErrorsPrintTheDcsCodeAndExitFour) {
  Harness h;
  h.api.Reply("GET", "/v2/p/migration-task/nope/stats",
              ApiError(404, "DCS.4133", "task nope not found"));
  EXPECT_EQ(h.Run({"stats", "nope"}), 4);
  EXPECT_EQ(h.err.str(), "DCS.4133: task nope not found\n");
  EXPECT_EQ(h.out.str(), "");
}

TEST(CommandsTest, ConnectionErrorsExitThree) {
  Harness h;
  h.api.Reply("GET", "/v2/p/migration-task/t1",
              ConnectError("cannot reach http://127.0.0.1:1: Connection"));
  EXPECT_EQ(h.Run({"show", "t1"}), 3);
  EXPECT_EQ(h.err.str(), "migrationctl: cannot reach http://127.0.0.1:1: Connection\n");
}

TEST(CommandsTest, UsageErrorsExitTwoAndPointToHelp) {
  Harness h;
  EXPECT_EQ(h.Run({"show"}), 2);
  EXPECT_THAT(h.err.str(), HasSubstr("usage: migrationctl show TASK"));
  EXPECT_THAT(h.err.str(), HasSubstr("migrationctl --help"));
  EXPECT_TRUE(h.api.requests.empty());
  Harness no_project;
  no_project.env.erase("RMS_PROJECT");
  EXPECT_EQ(no_project.Run({"list"}), 2);
}

TEST(CommandsTest, HelpListsTheExitCodes) {
  Harness h;
  EXPECT_EQ(h.Run({"--help"}), 0);
  EXPECT_THAT(h.out.str(), HasSubstr("exit codes:"));
  EXPECT_THAT(h.out.str(), HasSubstr("4  the API answered an error"));
}

TEST(CommandsTest, ListSendsTheQueryAndPrintsATable) {
  Harness h;
  h.api.Reply("GET", "/v2/p/migration-tasks",
              Json{{"count", 1},
                   {"migration_tasks",
                    {{{"task_id", "t1"},
                      {"task_name", "move"},
                      {"status", "SUCCESS"},
                      {"migration_method", "full_amount_migration"},
                      {"data_source", "127.0.0.1:6379"},
                      {"target_instance_addrs", "127.0.0.1:6380"},
                      {"created_at", "2024-05-01T12:00:00Z"}}}}});
  EXPECT_EQ(h.Run({"list", "--name", "mo", "--offset", "0", "--limit", "5"}), 0);
  ASSERT_EQ(h.api.requests.size(), 1u);
  EXPECT_EQ(RequestTarget(h.api.requests[0]), "/v2/p/migration-tasks?offset=0&limit=5&name=mo");
  EXPECT_EQ(h.out.str(),
            "TASK_ID  NAME  STATUS   METHOD                 SOURCE          TARGET          "
            "CREATED\n"
            "t1       move  SUCCESS  full_amount_migration  127.0.0.1:6379  127.0.0.1:6380  "
            "2024-05-01T12:00:00Z\n");
  EXPECT_EQ(Harness().Run({"list", "--limit", "0"}), 2);
}

TEST(CommandsTest, LogsMapLevelAndPrintATable) {
  Harness h;
  h.api.Reply("GET", "/v2/p/migration-task/t1/logs",
              Json{{"log_num", 1},
                   {"migration_logs",
                    {{{"created_at", "2024-05-01T12:00:00Z"},
                      {"log_level", "error"},
                      {"log_code", "TARGET_REFUSED"},
                      {"message", "OOM"}}}}});
  EXPECT_EQ(h.Run({"logs", "t1", "--level", "error", "--limit", "10"}), 0);
  EXPECT_EQ(RequestTarget(h.api.requests[0]),
            "/v2/p/migration-task/t1/logs?limit=10&log_level=error");
  EXPECT_EQ(h.out.str(),
            "TIME                  LEVEL  CODE            MESSAGE\n"
            "2024-05-01T12:00:00Z  error  TARGET_REFUSED  OOM\n");
}

TEST(CommandsTest, CreateAndConfigureSendTheirBodiesAndNeverPrintThePassword) {
  Harness h;
  h.env["SRC_PW"] = "pw-5f1e";
  h.api.Reply("POST", "/v2/p/migration/instance",
              Json{{"id", "t1"}, {"name", "move"}, {"status", "RUNNING"}});
  h.api.Reply("POST", "/v2/p/migration/t1/task",
              Json{{"id", "t1"}, {"name", "move"}, {"status", "MIGRATING"}});
  EXPECT_EQ(h.Run({"create", "move", "--description", "cache"}), 0);
  EXPECT_EQ(Json::parse(h.api.requests[0].body),
            Json::parse(R"({"name":"move","description":"cache"})"));
  EXPECT_EQ(h.Run({"configure", "t1", "--source", "127.0.0.1:6379", "--source-password-env",
                   "SRC_PW", "--target", "127.0.0.1:6380", "--method", "full"}),
            0);
  Json body = Json::parse(h.api.requests[1].body);
  EXPECT_EQ(body["source_instance"]["password"], "pw-5f1e");
  EXPECT_EQ(body["migration_method"], "full_amount_migration");
  EXPECT_THAT(h.out.str(), HasSubstr("status: MIGRATING\n"));
  EXPECT_THAT(h.out.str() + h.err.str(), Not(HasSubstr("pw-5f1e")));
}

TEST(CommandsTest, UpdateNeedsAChange) {
  Harness h;
  EXPECT_EQ(h.Run({"update", "t1"}), 2);
  h.api.Reply("PUT", "/v2/p/migration-task/t1", kTask);
  EXPECT_EQ(h.Run({"update", "t1", "--bandwidth", "50", "--resume-mode", "manual"}), 0);
  EXPECT_EQ(Json::parse(h.api.requests[0].body),
            Json::parse(R"({"bandwidth_limit_mb":"50","resume_mode":"manual"})"));
}

TEST(CommandsTest, StopAndSyncStop) {
  Harness h;
  h.api.Reply("POST", "/v2/p/migration-task/t1/stop", Json{{"status", "TERMINATING"}});
  h.api.Reply("POST", "/v2/p/migration-task/t1/sync-stop", Json::object());
  EXPECT_EQ(h.Run({"stop", "t1"}), 0);
  EXPECT_EQ(h.Run({"stop", "t1", "--sync"}), 0);
  EXPECT_EQ(h.out.str(), "t1: TERMINATING\nt1: TERMINATED\n");
  EXPECT_TRUE(h.api.requests[0].body.empty());
}

TEST(CommandsTest, RestartReportsEachTaskAndFailsWhenOneFailed) {
  Harness h;
  h.api.Reply("POST", "/v2/p/migration-tasks/batch-restart",
              Json::parse(R"({"migration_tasks":[{"task_id":"t1","result":"success"},
                  {"task_id":"t2","result":"failed","error_code":"DCS.4134",
                   "error_msg":"cannot restart a SUCCESS task"}]})"));
  EXPECT_EQ(h.Run({"restart", "t1", "t2"}), 4);
  EXPECT_EQ(Json::parse(h.api.requests[0].body), Json::parse(R"({"migration_tasks":["t1","t2"]})"));
  EXPECT_THAT(h.out.str(), HasSubstr("t2       failed   DCS.4134: cannot restart a SUCCESS task"));
  EXPECT_EQ(h.err.str(), "DCS.4134: t2: cannot restart a SUCCESS task\n");
}

TEST(CommandsTest, DeleteSeveral) {
  Harness h;
  h.api.Reply("DELETE", "/v2/p/migration-tasks/delete",
              Json::parse(R"({"task_id_list":["t1","t2"]})"));
  EXPECT_EQ(h.Run({"delete", "t1", "t2"}), 0);
  EXPECT_EQ(Json::parse(h.api.requests[0].body), Json::parse(R"({"task_id_list":["t1","t2"]})"));
  EXPECT_EQ(h.out.str(), "deleted t1\ndeleted t2\n");
}

TEST(CommandsTest, Instances) {
  Harness h;
  h.env["INST_PW"] = "pw-77aa";
  h.api.Reply("POST", "/v2/p/instances", Json{{"id", "i1"}, {"has_password", true}});
  h.api.Reply("GET", "/v2/p/instances",
              Json::parse(R"({"count":1,"instances":[{"id":"i1","name":"src",
                  "addrs":"127.0.0.1:6379","has_password":true,"created_at":"x"}]})"));
  h.api.Reply("DELETE", "/v2/p/instances/i1", Json::object());
  EXPECT_EQ(h.Run({"instances", "create", "src"}), 2);  // --addrs is required
  EXPECT_EQ(h.Run({"instances", "create", "src", "--addrs", "127.0.0.1:6379", "--password-env",
                   "INST_PW"}),
            0);
  EXPECT_EQ(Json::parse(h.api.requests[0].body)["password"], "pw-77aa");
  EXPECT_EQ(h.Run({"instances", "list"}), 0);
  EXPECT_THAT(h.out.str(), HasSubstr("i1  src   127.0.0.1:6379  yes       x\n"));
  EXPECT_EQ(h.Run({"instances", "delete", "i1"}), 0);
  EXPECT_THAT(h.out.str(), HasSubstr("deleted i1\n"));
  EXPECT_THAT(h.out.str(), Not(HasSubstr("pw-77aa")));
}

const char kVerifyPath[] = "/v2/p/migration-task/t1/verify";
const char kReportPath[] = "/v2/p/migration-task/t1/verifications/v1";

TEST(VerifyCommandTest, WithoutWaitPrintsTheId) {
  Harness h;
  h.api.Reply("POST", kVerifyPath, Json{{"verification_id", "v1"}});
  EXPECT_EQ(h.Run({"verify", "t1", "--sample-keys", "50"}), 0);
  EXPECT_EQ(h.out.str(), "verification: v1\n");
  EXPECT_EQ(Json::parse(h.api.requests[0].body),
            Json::parse(R"({"mode":"sample","sample_keys":50})"));
}

TEST(VerifyCommandTest, WaitPollsUntilDone) {
  Harness h;
  h.api.Reply("POST", kVerifyPath, Json{{"verification_id", "v1"}});
  h.api.Reply("GET", kReportPath, Json{{"verification_id", "v1"}, {"status", "RUNNING"}});
  h.api.Reply("GET", kReportPath, Json{{"verification_id", "v1"}, {"status", "RUNNING"}});
  h.api.Reply("GET", kReportPath,
              Json{{"verification_id", "v1"}, {"status", "DONE"}, {"keys_checked", 10}});
  EXPECT_EQ(h.Run({"verify", "t1", "--wait", "--interval", "2"}), 0);
  EXPECT_EQ(h.sleeps, (std::vector<absl::Duration>{absl::Seconds(2), absl::Seconds(2)}));
  EXPECT_THAT(h.out.str(), HasSubstr("result: no differences\n"));
}

TEST(VerifyCommandTest, DifferencesExitOne) {
  Harness h;
  h.api.Reply("POST", kVerifyPath, Json{{"verification_id", "v1"}});
  h.api.Reply("GET", kReportPath,
              Json{{"verification_id", "v1"}, {"status", "DONE"}, {"ttl_mismatch", "4"}});
  EXPECT_EQ(h.Run({"verify", "t1", "--wait", "--json"}), 1);
  EXPECT_EQ(Json::parse(h.out.str())["ttl_mismatch"], "4");
  EXPECT_EQ(h.err.str(), "migrationctl: verification v1 found 4 differences\n");
}

TEST(VerifyCommandTest, LookUpAnExistingVerification) {
  Harness h;
  h.api.Reply("GET", kReportPath,
              Json{{"verification_id", "v1"}, {"status", "FAILED"}, {"error", "lost link"}});
  EXPECT_EQ(h.Run({"verify", "t1", "--id", "v1"}), 1);
  EXPECT_EQ(h.api.requests.size(), 1u);
  Harness running;
  running.api.Reply("GET", kReportPath, Json{{"verification_id", "v1"}, {"status", "RUNNING"}});
  EXPECT_EQ(running.Run({"verify", "t1", "--id", "v1"}), 0);
  EXPECT_THAT(running.out.str(), HasSubstr("status: RUNNING\n"));
}

}  // namespace
}  // namespace rms::ctl
