// Unit tests of request authentication: the server's own Authenticator accepts our signature.
#include "services/ctl/request_auth.h"

#include <gtest/gtest.h>

#include "services/auth/authenticator.h"
#include "services/crypto/secret_box.h"
#include "tests/unit/auth/in_memory_credential_store.h"

namespace rms::ctl {
namespace {

constexpr char kProject[] = "proj-1";
constexpr char kAk[] = "CTLTESTACCESSKEY0001";
constexpr char kSk[] = "ctl-test-secret-key-0000000000000000000001";

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2024, 5, 1, 12, 0, 0), absl::UTCTimeZone());

ConnectionOptions AkSk() {
  ConnectionOptions options;
  options.endpoint = ParseEndpoint("http://127.0.0.1:8080").value();
  options.project = kProject;
  options.access_key = kAk;
  options.secret_key = kSk;
  return options;
}

ApiRequest ListRequest() {
  ApiRequest request;
  request.path = ProjectPath(kProject, "/migration-tasks");
  request.query = {{"name", "move cache"}, {"limit", "5"}};
  return request;
}

class RequestAuthTest : public ::testing::Test {
 protected:
  RequestAuthTest() : box_(crypto::SecretBox::FromKeyForTest(std::string(32, 'k'))) {
    storage::CredentialRecord record;
    record.id = "cred-1";
    record.project_id = kProject;
    record.kind = "aksk";
    record.access_key = kAk;
    record.encrypted_secret_key = box_.Seal(kSk).value();
    EXPECT_TRUE(store_.CreateCredential(record).ok());
  }

  // What the server sees: the request with our headers, as the gateway builds it.
  absl::Status Verify(const ApiRequest& request, const HeaderList& headers) {
    auth::SignableRequest seen;
    seen.method = request.method;
    seen.path = request.path;
    seen.query = request.query;
    for (const auto& [name, value] : headers) seen.headers.emplace(name, value);
    seen.headers.emplace("Content-Type", "application/json");  // unsigned extra headers pass
    seen.body = request.body;
    auth::Authenticator authenticator(store_, box_, [] { return kNow + absl::Minutes(1); });
    return authenticator.Authenticate(seen, kProject).status();
  }

  auth::InMemoryCredentialStore store_;
  crypto::SecretBox box_;
};

TEST_F(RequestAuthTest, TokenHeader) {
  ConnectionOptions options = AkSk();
  options.token = "rms_tok";
  auto headers = AuthHeaders(options, ListRequest(), kNow);
  ASSERT_TRUE(headers.ok());
  EXPECT_EQ(*headers, (HeaderList{{"X-Auth-Token", "rms_tok"}}));
}

TEST_F(RequestAuthTest, SignedGetWithQueryVerifies) {
  auto headers = AuthHeaders(AkSk(), ListRequest(), kNow);
  ASSERT_TRUE(headers.ok()) << headers.status();
  ASSERT_EQ(headers->size(), 3u);
  EXPECT_EQ((*headers)[0], (std::pair<std::string, std::string>{"Host", "127.0.0.1:8080"}));
  EXPECT_EQ((*headers)[1], (std::pair<std::string, std::string>{"X-Sdk-Date", "20240501T120000Z"}));
  EXPECT_TRUE(Verify(ListRequest(), *headers).ok()) << Verify(ListRequest(), *headers);
}

TEST_F(RequestAuthTest, SignedPostBodyVerifiesAndATamperedOneDoesNot) {
  ApiRequest request;
  request.method = "POST";
  request.path = ProjectPath(kProject, "/migration/instance");
  request.body = R"({"name":"move-cache"})";
  auto headers = AuthHeaders(AkSk(), request, kNow);
  ASSERT_TRUE(headers.ok());
  EXPECT_TRUE(Verify(request, *headers).ok());
  request.body = R"({"name":"other"})";
  EXPECT_EQ(Verify(request, *headers).code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace rms::ctl
