// Verification e2e, the API's refusals: 400 for bad bodies (naming the field), 400 DCS.4139 for
// tasks without a source and a target, 404 for unknown verifications and for another project's
// task, over REST and gRPC.
#include "absl/strings/match.h"
#include "tests/e2e/engine/verify_env.h"

namespace rms::e2e {
namespace {

class VerificationApiE2eTest : public VerifyE2eTest {
 protected:
  void SetUp() override {
    VerifyE2eTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto source = test_support::RedisServer::Start(ServerOptions("api-source-pw"));
    auto target = test_support::RedisServer::Start(ServerOptions("api-target-pw"));
    ASSERT_TRUE(source.ok() && target.ok());
    source_ = *std::move(source);
    target_ = *std::move(target);
    task_ = MigrateFully(*source_, *target_);
    ASSERT_FALSE(task_.empty());
  }
  // Expects `reply` to be an error with `status` and `code` whose message names `field`.
  static void ExpectError(const test_support::HttpReply& reply, int status, const std::string& code,
                          const std::string& field = "") {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.json.value("error_code", ""), code) << reply.body;
    EXPECT_TRUE(absl::StrContains(reply.json.value("error_msg", ""), field)) << reply.body;
  }
  std::unique_ptr<test_support::RedisServer> source_;
  std::unique_ptr<test_support::RedisServer> target_;
  std::string task_;
};

TEST_F(VerificationApiE2eTest, BadBodiesAreRefusedNamingTheField) {
  ExpectError(PostVerify(task_, R"({"mode":"bogus"})"), 400, "DCS.4002", "mode");
  ExpectError(PostVerify(task_, R"({"mode":"sample"})"), 400, "DCS.4001", "sample_keys");
  ExpectError(PostVerify(task_, R"({"mode":"sample","sample_keys":0})"), 400, "DCS.4001",
              "sample_keys");
  ExpectError(PostVerify(task_, R"({"mode":"sample","sample_keys":1000001})"), 400, "DCS.4002",
              "sample_keys");
  ExpectError(PostVerify(task_, R"({"mode":"full","sample_keys":10})"), 400, "DCS.4002",
              "sample_keys");
  ExpectError(PostVerify(task_, R"({"sample_keys":"10","mode":"sample"})"), 400, "DCS.4002",
              "sample_keys");
  ExpectError(PostVerify(task_, R"({"ttl_tolerance_s":3601})"), 400, "DCS.4002", "ttl_tolerance_s");
  ExpectError(PostVerify(task_, R"({"max_source_ops":5})"), 400, "DCS.4002", "max_source_ops");
  ExpectError(PostVerify(task_, R"({"mode":"full","keys":1})"), 400, "DCS.4003", "keys");
  ExpectError(PostVerify(task_, "not json"), 400, "DCS.4000");
  // No body at all means every default.
  test_support::HttpReply empty = PostVerify(task_, "");
  EXPECT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(WaitForVerification(task_, empty.json.value("verification_id", ""))["status"], "DONE");
}

TEST_F(VerificationApiE2eTest, TasksWithoutBothSidesCannotBeVerified) {
  auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"not-configured"})");
  ASSERT_EQ(created.status, 200);
  ExpectError(PostVerify(created.json["id"], "{}"), 400, "DCS.4139", "not configured");
  Json import{{"task_name", "import-task"},
              {"migration_type", "backupfile_import"},
              {"migration_method", "full_amount_migration"},
              {"backup_files", {{"file_source", "local"}, {"files", {{{"file_name", "x.rdb"}}}}}},
              {"target_instance", {{"addrs", AddrOf(*target_)}}}};
  auto imported = rest_->Send("POST", P("/migration-task"), import.dump());
  ASSERT_EQ(imported.status, 200) << imported.body;
  ExpectError(PostVerify(imported.json["id"], "{}"), 400, "DCS.4139", "import");
  // A db_mapping is not followed by the verification yet: refused rather than misreported.
  Json mapped{
      {"migration_method", "full_amount_migration"},
      {"resume_mode", "auto"},
      {"db_mapping", {{"1", 0}}},
      {"source_instance", {{"addrs", AddrOf(*source_)}, {"password", source_->password()}}},
      {"target_instance", {{"addrs", AddrOf(*target_)}, {"password", target_->password()}}}};
  const std::string with_mapping = CreateAndConfigureBody(mapped);
  ASSERT_FALSE(with_mapping.empty());
  ExpectError(PostVerify(with_mapping, "{}"), 400, "DCS.4139", "db_mapping");
}

TEST_F(VerificationApiE2eTest, UnknownVerificationsAndTasksAreNotFound) {
  const std::string id = StartVerification(task_, Json::object());
  ExpectError(rest_->Send("GET", P("/migration-task/" + task_ + "/verifications/nope")), 404,
              "DCS.4138", "nope");
  ExpectError(rest_->Send("GET", P("/migration-task/no-task/verifications/" + id)), 404,
              "DCS.4133");
  ExpectError(PostVerify("no-task", "{}"), 404, "DCS.4133");
  // Another project's credentials see neither the task nor its verification.
  auto other = server_->CreateCredentials("other-project");
  ASSERT_TRUE(other.ok());
  test_support::RestClient other_rest(server_->http_port(), other->token);
  const std::string other_base = "/v2/other-project/migration-task/" + task_;
  ExpectError(other_rest.Send("POST", other_base + "/verify", "{}"), 404, "DCS.4133");
  ExpectError(other_rest.Send("GET", other_base + "/verifications/" + id), 404, "DCS.4133");
  // gRPC maps the same errors.
  v1::ShowVerificationRequest show;
  show.set_project_id(project_);
  show.set_task_id(task_);
  show.set_verification_id("nope");
  auto missing = grpc_->Call(&v1::MigrationService::Stub::ShowVerification, show);
  EXPECT_EQ(missing.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.dcs_code, "DCS.4138");
  v1::StartVerificationRequest start;
  start.set_project_id(project_);
  start.set_task_id(task_);
  start.mutable_body()->set_mode("bogus");
  auto refused = grpc_->Call(&v1::MigrationService::Stub::StartVerification, start);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.dcs_code, "DCS.4002");
  EXPECT_EQ(WaitForVerification(task_, id)["status"], "DONE");
}

}  // namespace
}  // namespace rms::e2e
