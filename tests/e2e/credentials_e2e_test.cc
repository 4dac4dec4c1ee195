// Credential lifecycle end to end: `migrationd credentials create|list|revoke`, expiry, the
// revocation delay (measured), and AK/SK replay refusal across two API processes on one database.
#include <gtest/gtest.h>

#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/e2e_env.h"

namespace rms::e2e {
namespace {

using Stub = v1::MigrationService::Stub;

class CredentialsE2eTest : public E2eTest {
 protected:
  absl::StatusOr<Json> Credentials(const std::vector<std::string>& args) {
    auto output = env()->server->RunCredentialsCommand(args);
    if (!output.ok()) return output.status();
    Json json = Json::parse(*output, nullptr, false);
    if (json.is_discarded()) return absl::InternalError("not JSON: " + *output);
    return json;
  }
  static void Expect401(const test_support::HttpReply& reply, absl::string_view word) {
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.json.value("error_code", ""), "DCS.4010") << reply.body;
    EXPECT_TRUE(absl::StrContains(reply.json.value("error_msg", ""), word)) << reply.body;
  }
  // A create-task body and its signed headers for project a.
  test_support::Headers SignedCreate(const test_support::Credentials& key, const std::string& body,
                                     int port) {
    return test_support::SdkSignedHeaders(key.access_key, key.secret_key, port, "POST",
                                          P("/migration/instance"), body);
  }
};

TEST_F(CredentialsE2eTest, CreatePrintsAnIdAndListShowsNoSecret) {
  auto aksk = env()->server->CreateCredentials(project_a_, /*aksk=*/true);
  ASSERT_TRUE(aksk.ok()) << aksk.status();
  ASSERT_FALSE(aksk->credential_id.empty());
  ASSERT_FALSE(a_.credentials.credential_id.empty());
  auto output = env()->server->RunCredentialsCommand({"list", "--project", project_a_});
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_FALSE(absl::StrContains(*output, a_.credentials.token));
  EXPECT_FALSE(absl::StrContains(*output, aksk->secret_key));
  Json listed = Json::parse(*output);
  ASSERT_TRUE(listed.is_array());
  ASSERT_EQ(listed.size(), 2u) << listed;
  EXPECT_EQ(listed[0]["credential_id"], a_.credentials.credential_id);
  EXPECT_EQ(listed[0]["kind"], "token");
  EXPECT_EQ(listed[1]["credential_id"], aksk->credential_id);
  EXPECT_EQ(listed[1]["kind"], "aksk");
  EXPECT_EQ(listed[1]["access_key"], aksk->access_key);
  for (const Json& row : listed) {
    EXPECT_EQ(row["revoked"], false);
    EXPECT_TRUE(row["expires_at"].is_null());
    EXPECT_TRUE(row["created_at"].is_string());
  }
}

TEST_F(CredentialsE2eTest, RevokedTokenIsRefusedByTheNextRequest) {
  ASSERT_EQ(a_.rest->Send("GET", P("/migration-tasks")).status, 200);
  auto revoked = Credentials({"revoke", "--project", project_a_, a_.credentials.credential_id});
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ((*revoked)["revoked"], true);
  const absl::Time after_revoke = absl::Now();
  // Polled with a deadline only to measure; the very first request is expected to be refused.
  int requests = 0;
  test_support::HttpReply reply;
  do {
    reply = a_.rest->Send("GET", P("/migration-tasks"));
    ++requests;
  } while (reply.status == 200 && absl::Now() - after_revoke < absl::Seconds(5));
  const absl::Duration delay = absl::Now() - after_revoke;
  std::cout << "revocation: refused after " << requests << " request(s), "
            << absl::FormatDuration(delay) << " after revoke returned\n";
  EXPECT_EQ(requests, 1);
  Expect401(reply, "revoked");
  auto grpc = a_.grpc->Call(&Stub::ShowTask, [&] {
    v1::TaskIdRequest request;
    request.set_project_id(project_a_);
    request.set_task_id("00000000000000000000000000000000");
    return request;
  }());
  EXPECT_EQ(grpc.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(grpc.dcs_code, "DCS.4010");
  // Another project's credential is untouched; listing shows the revocation.
  EXPECT_EQ(b_.rest->Send("GET", ApiPath(project_b_, "/migration-tasks")).status, 200);
  auto listed = Credentials({"list", "--project", project_a_});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)[0]["revoked"], true);
  EXPECT_TRUE((*listed)[0]["revoked_at"].is_string());
}

TEST_F(CredentialsE2eTest, ExpiringTokenWorksUntilItExpires) {
  auto created = Credentials({"create", "--project", project_a_, "--expires-in", "6s"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE((*created)["expires_at"].is_string());
  RestClient client(env()->server->http_port(), (*created)["token"].get<std::string>());
  EXPECT_EQ(client.Send("GET", P("/migration-tasks")).status, 200);
  test_support::HttpReply reply;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  do {
    reply = client.Send("GET", P("/migration-tasks"));
    if (reply.status == 200) absl::SleepFor(absl::Milliseconds(100));  // polling with a deadline
  } while (reply.status == 200 && absl::Now() < deadline);
  Expect401(reply, "expired");
}

TEST_F(CredentialsE2eTest, BadArgumentsAreRefused) {
  for (const char* lifetime : {"0m", "1.5h", "10", "h", "-1h", "1h30m", "3651d", "12H", " 1h"}) {
    EXPECT_FALSE(Credentials({"create", "--project", project_a_, "--expires-in", lifetime}).ok())
        << lifetime;
  }
  EXPECT_TRUE(absl::StrContains(env()->server->ReadLog(), "--expires-in needs a positive"));
  EXPECT_FALSE(Credentials({"revoke", "--project", project_a_, "no-such-credential"}).ok());
  // Another project's credential cannot be revoked through this project.
  EXPECT_FALSE(Credentials({"revoke", "--project", project_a_, b_.credentials.credential_id}).ok());
  EXPECT_EQ(b_.rest->Send("GET", ApiPath(project_b_, "/migration-tasks")).status, 200);
}

TEST_F(CredentialsE2eTest, ReplayedSignatureIsRefusedByEveryApiProcess) {
  auto key = env()->server->CreateCredentials(project_a_, /*aksk=*/true);
  ASSERT_TRUE(key.ok()) << key.status();
  // A second API process on the same database and key file.
  auto dir = test_support::TempDir::Create("rms-e2e-second");
  ASSERT_TRUE(dir.ok());
  test_support::MigrationdOptions options;
  options.data_dir = (*dir)->path();
  options.database_url = env()->database->url();
  options.extra_flags = {"--roles", "api", "--key-file", env()->dir->path() + "/secret.key"};
  auto second = test_support::MigrationdProcess::Start(options);
  ASSERT_TRUE(second.ok()) << second.status();
  RestClient first_api(env()->server->http_port(), ""), second_api((*second)->http_port(), "");

  const std::string body = R"({"name":"replay-one"})";
  test_support::Headers headers = SignedCreate(*key, body, first_api.port());
  EXPECT_EQ(first_api.Send("POST", P("/migration/instance"), body, headers).status, 200);
  Expect401(first_api.Send("POST", P("/migration/instance"), body, headers), "replayed");
  // The same bytes (Host included) sent to the other process: refused there too.
  Expect401(second_api.Send("POST", P("/migration/instance"), body, headers), "replayed");

  // And the other way round, the other process accepting first.
  const std::string body2 = R"({"name":"replay-two"})";
  headers = SignedCreate(*key, body2, first_api.port());
  EXPECT_EQ(second_api.Send("POST", P("/migration/instance"), body2, headers).status, 200);
  Expect401(first_api.Send("POST", P("/migration/instance"), body2, headers), "replayed");

  // Reads may repeat: the official signers add no nonce, so equal GETs in one second are equal.
  headers = test_support::SdkSignedHeaders(key->access_key, key->secret_key, first_api.port(),
                                           "GET", P("/migration-tasks"), "");
  EXPECT_EQ(first_api.Send("GET", P("/migration-tasks"), "", headers).status, 200);
  EXPECT_EQ(first_api.Send("GET", P("/migration-tasks"), "", headers).status, 200);
  (*second)->Stop();
}

}  // namespace
}  // namespace rms::e2e
