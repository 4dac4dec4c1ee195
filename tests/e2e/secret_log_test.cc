// Secrets stay secret (acceptance 5): passwords, tokens and keys sent in good and bad requests
// appear neither in migrationd's log nor in any reply.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "tests/e2e/e2e_env.h"

namespace rms::e2e {
namespace {

using Stub = v1::MigrationService::Stub;

constexpr char kDbPassword[] = "Db-Pw-0e9d41";
constexpr char kSourcePassword[] = "Src-Pw-7a13c2";
constexpr char kTargetPassword[] = "Tgt-Pw-58b0f6";
constexpr char kInstancePassword[] = "Inst-Pw-c3d927";
constexpr char kBadBodyPassword[] = "BadBody-Pw-4f61aa";
constexpr char kBadToken[] = "rms_BadToken-9e77b1";
constexpr char kProject[] = "secret-proj";

std::string P(const std::string& path) { return ApiPath(kProject, path); }

Json Configure(const std::string& source_password, const Json& bandwidth) {
  return {{"migration_method", "incremental_migration"},
          {"resume_mode", "auto"},
          {"bandwidth_limit_mb", bandwidth},
          {"source_instance", {{"addrs", "127.0.0.1:6379"}, {"password", source_password}}},
          {"target_instance", {{"addrs", "127.0.0.1:6380"}, {"password", kTargetPassword}}}};
}

const Json kInstanceBody = {
    {"name", "secret-src"}, {"addrs", "127.0.0.1:7300"}, {"password", kInstancePassword}};

class SecretLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> admin_url = test_support::TestDatabaseUrlFromEnv();
    if (!admin_url) GTEST_SKIP() << "RMS_TEST_DATABASE_URL is not set; use tests/run";
    auto env = E2eEnv::Create(*admin_url, kDbPassword);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
    auto project = env_->AddProject(kProject);
    auto aksk = env_->server->CreateCredentials(kProject, /*aksk=*/true);
    ASSERT_TRUE(project.ok() && aksk.ok()) << project.status() << aksk.status();
    project_ = *std::move(project);
    aksk_ = *aksk;
    secrets_ = {kDbPassword,
                kSourcePassword,
                kTargetPassword,
                kInstancePassword,
                kBadBodyPassword,
                kBadToken,
                project_.credentials.token,
                aksk_.secret_key};
  }

  // Sends a REST request and keeps its reply for the final check.
  test_support::HttpReply Rest(const std::string& method, const std::string& path,
                               const std::string& body = "", const test_support::Headers& h = {}) {
    test_support::HttpReply reply = project_.rest->Send(method, P(path), body, h);
    replies_.push_back(reply.body);
    return reply;
  }
  // Keeps the reply or error message of a gRPC call for the final check.
  template <typename Reply>
  void Keep(const Reply& reply) {
    replies_.push_back(reply.json.dump() + reply.status.error_message());
  }
  void ExpectNoSecretIn(const std::string& what, const std::string& text) {
    for (const std::string& secret : secrets_) {
      EXPECT_EQ(text.find(secret), std::string::npos) << "'" << secret << "' appears in " << what;
    }
  }

  // Shows the task, registers an instance with a password, sends a refused configure: gRPC.
  void SendOverGrpc(const std::string& task_id) {
    Keep(project_.grpc->Call(&Stub::ShowTask, Show(task_id)));
    v1::CreateInstanceRequest instance;
    instance.set_project_id(kProject);
    EXPECT_TRUE(test_support::FromJson(kInstanceBody, *instance.mutable_body()));
    Keep(project_.grpc->Call(&Stub::CreateInstance, instance));
    v1::ConfigureTaskRequest bad;
    bad.set_project_id(kProject);
    bad.set_task_id(task_id);
    EXPECT_TRUE(test_support::FromJson(Configure(kBadBodyPassword, "0"), *bad.mutable_body()));
    Keep(project_.grpc->Call(&Stub::ConfigureTask, bad));
  }
  // An unknown token and a bad signature (REST and gRPC), then a good signature.
  void SendBadCredentials(const std::string& task_id) {
    const int port = env_->server->http_port();
    RestClient bad_token(port, kBadToken), anonymous(port, "");
    replies_.push_back(bad_token.Send("GET", P("/migration-tasks")).body);
    Keep(GrpcClient(env_->server->grpc_port(), kBadToken).Call(&Stub::ShowTask, Show(task_id)));
    auto headers = test_support::SdkSignedHeaders(aksk_.access_key, kBadBodyPassword, port, "GET",
                                                  P("/migration-tasks"), "");
    EXPECT_EQ(anonymous.Send("GET", P("/migration-tasks"), "", headers).status, 401);
    headers = test_support::SdkSignedHeaders(aksk_.access_key, aksk_.secret_key, port, "GET",
                                             P("/migration-tasks"), "");
    EXPECT_EQ(anonymous.Send("GET", P("/migration-tasks"), "", headers).status, 200);
  }
  static v1::TaskIdRequest Show(const std::string& task_id) {
    v1::TaskIdRequest request;
    request.set_project_id(kProject);
    request.set_task_id(task_id);
    return request;
  }

  std::unique_ptr<E2eEnv> env_;
  Project project_;
  test_support::Credentials aksk_;
  std::vector<std::string> secrets_;
  std::vector<std::string> replies_;
};

// Bodies that carry passwords and are refused: bad bandwidth, unknown field, too long, cut off,
// over 1 MiB.
std::vector<std::string> RefusedBodies() {
  Json unknown = Configure(kBadBodyPassword, 5);
  unknown["source_instance"]["passwd"] = kBadBodyPassword;
  std::string too_long;
  while (too_long.size() <= 512) too_long += kBadBodyPassword;
  Json huge = Configure(kBadBodyPassword, 5);
  huge["padding"] = std::string(1 << 20, 'x');
  return {Configure(kBadBodyPassword, 0).dump(), unknown.dump(), Configure(too_long, 5).dump(),
          Configure(kBadBodyPassword, 5).dump().substr(0, 200), huge.dump()};
}

TEST_F(SecretLogTest, PasswordsAndTokensNeverLoggedNorReturned) {
  const std::string instance_id = Rest("POST", "/instances", kInstanceBody.dump()).json["id"];
  const std::string task_id =
      Rest("POST", "/migration/instance", R"({"name":"secret-task"})").json["id"];
  const std::string configure = "/migration/" + task_id + "/task";
  for (const std::string& body : RefusedBodies()) {
    const int status = Rest("POST", configure, body).status;
    EXPECT_EQ(status, body.size() > (1 << 20) ? 413 : 400) << body.substr(0, 200);
  }
  EXPECT_EQ(Rest("POST", configure, Configure(kSourcePassword, 123).dump()).status, 200);
  Rest("PUT", "/migration-task/" + task_id, R"({"resume_mode":"manual"})");
  const std::vector<std::string> views = {"/migration-task/" + task_id, "/migration-tasks",
                                          "/migration-task/" + task_id + "/logs", "/instances",
                                          "/instances/" + instance_id};
  for (const std::string& view : views) EXPECT_EQ(Rest("GET", view).status, 200) << view;
  SendOverGrpc(task_id);
  SendBadCredentials(task_id);

  for (const std::string& reply : replies_) ExpectNoSecretIn("a reply", reply);
  const int status = env_->server->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  const std::string log = env_->server->ReadLog();
  EXPECT_NE(log.find("http POST"), std::string::npos) << "the log has no request lines:\n" << log;
  ExpectNoSecretIn("the log", log);
}

}  // namespace
}  // namespace rms::e2e
