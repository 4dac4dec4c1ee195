// Restart in embedded mode (acceptance 4): credentials, instances, tasks and their logs survive a
// clean SIGTERM and a new start on the same data directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "tests/support/api_clients.h"
#include "tests/support/migrationd_process.h"

namespace rms::e2e {
namespace {

using test_support::Json;
using test_support::MigrationdOptions;
using test_support::MigrationdProcess;
using test_support::ReadFileOrEmpty;
using test_support::RestClient;

constexpr char kProject[] = "restart-proj";

std::string P(const std::string& path) { return std::string("/v2/") + kProject + path; }

// The PID on the first line of the cluster's postmaster.pid, or 0.
pid_t PostmasterPid(const std::string& data_dir) {
  return static_cast<pid_t>(std::atol(ReadFileOrEmpty(data_dir + "/pg/postmaster.pid").c_str()));
}

// True when `pid` has exited (no /proc entry, or a zombie nobody reaped yet).
bool ProcessGone(pid_t pid) {
  const std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return stat.empty() || (paren != std::string::npos && stat.substr(paren + 2, 1) == "Z");
}

Json Ok(const test_support::HttpReply& reply) {
  EXPECT_EQ(reply.status, 200) << reply.body;
  return reply.json;
}

// Everything the first run wrote, as the API shows it.
struct Views {
  Json task, tasks, logs, instance, instances;
};

Views Read(const RestClient& rest, const std::string& task_id, const std::string& instance_id) {
  return {Ok(rest.Send("GET", P("/migration-task/" + task_id))),
          Ok(rest.Send("GET", P("/migration-tasks"))),
          Ok(rest.Send("GET", P("/migration-task/" + task_id + "/logs"))),
          Ok(rest.Send("GET", P("/instances/" + instance_id))),
          Ok(rest.Send("GET", P("/instances")))};
}

// Stops `process` with SIGTERM; it must exit 0 and take its PostgreSQL with it.
void ExpectCleanStop(MigrationdProcess& process, const std::string& data_dir) {
  const pid_t postmaster = PostmasterPid(data_dir);
  ASSERT_GT(postmaster, 0) << "no embedded PostgreSQL under " << data_dir;
  const int status = process.Stop(absl::Seconds(60));
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "; log:\n" << process.ReadLog();
  EXPECT_EQ(WEXITSTATUS(status), 0) << process.ReadLog();
  EXPECT_FALSE(std::filesystem::exists(data_dir + "/pg/postmaster.pid"));
  EXPECT_TRUE(test_support::WaitFor([&] { return ProcessGone(postmaster); },
                                    absl::Now() + absl::Seconds(10)))
      << "postmaster " << postmaster << " still runs";
}

class RestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = test_support::TempDir::Create("rms-rst");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *std::move(dir);
    options_.data_dir = dir_->path();  // no --database-url: embedded PostgreSQL
    options_.ready_timeout = absl::Seconds(120);
    options_.extra_flags = {"--roles", "api"};  // the configured task must stay as configured
  }
  std::unique_ptr<MigrationdProcess> StartServer() {
    auto process = MigrationdProcess::Start(options_);
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  std::unique_ptr<test_support::TempDir> dir_;
  MigrationdOptions options_;
};

// What the first run writes: an instance with a password, a task configured from it, an update.
struct Written {
  std::string task_id, instance_id;
};

Written WriteState(const RestClient& rest) {
  Json instance = Ok(rest.Send("POST", P("/instances"),
                               R"({"name":"restart-src","addrs":"127.0.0.1:7100",)"
                               R"("password":"restart-inst-pw"})"));
  Json task = Ok(rest.Send("POST", P("/migration/instance"), R"({"name":"restart-task"})"));
  Written written{task.value("id", ""), instance.value("id", "")};
  const Json configure = {
      {"migration_method", "full_amount_migration"},
      {"resume_mode", "manual"},
      {"bandwidth_limit_mb", "50"},
      {"source_instance", {{"id", written.instance_id}}},
      {"target_instance", {{"addrs", "127.0.0.1:7200"}, {"password", "restart-tgt-pw"}}}};
  Json configured =
      Ok(rest.Send("POST", P("/migration/" + written.task_id + "/task"), configure.dump()));
  EXPECT_EQ(configured["status"], "MIGRATING");
  Ok(rest.Send("PUT", P("/migration-task/" + written.task_id), R"({"bandwidth_limit_mb":"60"})"));
  return written;
}

void ExpectSameViews(const Views& before, const Views& after) {
  EXPECT_EQ(after.task, before.task);
  EXPECT_EQ(after.tasks, before.tasks);
  EXPECT_EQ(after.logs, before.logs);
  EXPECT_EQ(after.instance, before.instance);
  EXPECT_EQ(after.instances, before.instances);
  EXPECT_EQ(after.logs["log_num"], 3) << after.logs.dump();
  EXPECT_EQ(after.task["bandwidth_limit_mb"], "60");
  EXPECT_EQ(after.task["source_instance"]["name"], "restart-src");
  EXPECT_EQ(after.instance["has_password"], true);
  for (const Json& view : {after.task, after.tasks, after.instance, after.instances}) {
    EXPECT_EQ(view.dump().find("-pw"), std::string::npos) << view.dump();
  }
}

// The AK/SK (signed REST) and the token over gRPC both still read `task` after the restart.
void ExpectOtherCredentialsWork(const MigrationdProcess& server,
                                const test_support::Credentials& aksk, const std::string& token,
                                const std::string& task_id, const Json& task) {
  const std::string path = P("/migration-task/" + task_id);
  RestClient unsigned_client(server.http_port(), "");
  auto headers = test_support::SdkSignedHeaders(aksk.access_key, aksk.secret_key,
                                                server.http_port(), "GET", path, "");
  EXPECT_EQ(Ok(unsigned_client.Send("GET", path, "", headers)), task);
  test_support::GrpcClient grpc(server.grpc_port(), token);
  v1::TaskIdRequest request;
  request.set_project_id(kProject);
  request.set_task_id(task_id);
  auto shown = grpc.Call(&v1::MigrationService::Stub::ShowTask, request);
  EXPECT_TRUE(shown.status.ok()) << shown.status.error_message();
  EXPECT_EQ(shown.json, task);
}

TEST_F(RestartTest, StateSurvivesCleanRestart) {
  std::unique_ptr<MigrationdProcess> first = StartServer();
  ASSERT_NE(first, nullptr);
  auto token = first->CreateCredentials(kProject);
  auto aksk = first->CreateCredentials(kProject, /*aksk=*/true);
  ASSERT_TRUE(token.ok() && aksk.ok()) << token.status() << aksk.status();
  RestClient rest(first->http_port(), token->token);
  const Written written = WriteState(rest);
  auto rival = MigrationdProcess::Start(options_);  // the data directory is taken
  EXPECT_TRUE(absl::IsUnavailable(rival.status())) << rival.status();
  EXPECT_NE(first->ReadLog().find("another migrationd is using data directory"), std::string::npos);
  const Views before = Read(rest, written.task_id, written.instance_id);
  ExpectCleanStop(*first, dir_->path());

  std::unique_ptr<MigrationdProcess> second = StartServer();
  ASSERT_NE(second, nullptr);
  RestClient again(second->http_port(), token->token);
  ExpectSameViews(before, Read(again, written.task_id, written.instance_id));
  ExpectOtherCredentialsWork(*second, *aksk, token->token, written.task_id, before.task);
  ExpectCleanStop(*second, dir_->path());
}

}  // namespace
}  // namespace rms::e2e
