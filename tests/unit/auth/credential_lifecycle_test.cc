// Tests of credential expiry and revocation: issued lifetimes and the Authenticator's refusals.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "services/auth/authenticator.h"
#include "services/auth/credential_issuer.h"
#include "services/common/errors.h"
#include "tests/unit/auth/in_memory_credential_store.h"

namespace rms::auth {
namespace {

const absl::Time kCreated = absl::FromUnixSeconds(1700000000);

class CredentialLifecycleTest : public ::testing::Test {
 protected:
  CredentialLifecycleTest() : box_(crypto::SecretBox::FromKeyForTest(std::string(32, 'k'))) {}

  absl::StatusOr<Principal> UseToken(const std::string& token) {
    SignableRequest req;
    req.method = "GET";
    req.path = "/v2/p1/migration-tasks";
    req.headers["X-Auth-Token"] = token;
    return authenticator_.Authenticate(req, "p1");
  }
  static void Expect401(const absl::StatusOr<Principal>& result, absl::string_view word) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(errors::DcsCodeOf(result.status()).value_or(""), "DCS.4010");
    EXPECT_TRUE(absl::StrContains(result.status().message(), word)) << result.status();
  }

  InMemoryCredentialStore store_;
  crypto::SecretBox box_;
  absl::Time now_ = kCreated;
  Authenticator authenticator_{store_, box_, [this] { return now_; }};
};

TEST_F(CredentialLifecycleTest, TokenWithALifetimeExpires) {
  auto issued = IssueToken(store_, "p1", kCreated, absl::Hours(12));
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(store_.rows().back().expires_at, kCreated + absl::Hours(12));
  now_ = kCreated + absl::Hours(12) - absl::Seconds(1);
  EXPECT_TRUE(UseToken(issued->token).ok());
  now_ = kCreated + absl::Hours(12);
  Expect401(UseToken(issued->token), "expired");
}

TEST_F(CredentialLifecycleTest, DefaultLifetimeNeverExpires) {
  auto issued = IssueToken(store_, "p1", kCreated);
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(store_.rows().back().expires_at.has_value());
  now_ = kCreated + absl::Hours(24 * 3650);
  EXPECT_TRUE(UseToken(issued->token).ok());
}

TEST_F(CredentialLifecycleTest, NonPositiveLifetimeIsRefused) {
  EXPECT_TRUE(
      absl::IsInvalidArgument(IssueToken(store_, "p1", kCreated, absl::ZeroDuration()).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      IssueAccessKey(store_, box_, "p1", kCreated, -absl::Minutes(1)).status()));
  EXPECT_TRUE(store_.rows().empty());
}

TEST_F(CredentialLifecycleTest, RevokedTokenIsRefusedOnTheNextRequest) {
  auto issued = IssueToken(store_, "p1", kCreated);
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(UseToken(issued->token).ok());
  ASSERT_TRUE(store_.RevokeCredential("p1", issued->credential_id, kCreated).ok());
  Expect401(UseToken(issued->token), "revoked");
}

TEST_F(CredentialLifecycleTest, RevokedAccessKeyIsRefused) {
  auto issued = IssueAccessKey(store_, box_, "p1", kCreated);
  ASSERT_TRUE(issued.ok());
  SignableRequest req;
  req.method = "GET";
  req.path = "/v2/p1/migration-tasks";
  req.headers["X-Sdk-Date"] = "20231114T221320Z";  // kCreated
  req.headers["Authorization"] = SignAsClient(issued->access_key, issued->secret_key, req).value();
  ASSERT_TRUE(authenticator_.Authenticate(req, "p1").ok());
  ASSERT_TRUE(store_.RevokeCredential("p1", issued->credential_id, kCreated).ok());
  Expect401(authenticator_.Authenticate(req, "p1"), "revoked");
}

}  // namespace
}  // namespace rms::auth
