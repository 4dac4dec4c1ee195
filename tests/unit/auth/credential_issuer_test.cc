// Tests of credential issuing: formats, what is stored, and that issued credentials authenticate.
#include "services/auth/credential_issuer.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "services/auth/authenticator.h"
#include "services/crypto/digest.h"
#include "tests/unit/auth/in_memory_credential_store.h"

namespace rms::auth {
namespace {

constexpr char kProject[] = "0504ab27e2c0401cb11d2d2d7e1f4b0b";

bool OnlyChars(const std::string& text, absl::string_view allowed) {
  return text.find_first_not_of(std::string(allowed)) == std::string::npos;
}

class CredentialIssuerTest : public ::testing::Test {
 protected:
  InMemoryCredentialStore store_;
  crypto::SecretBox box_ = crypto::SecretBox::FromKeyForTest(std::string(32, 'k'));
  absl::Time now_ = absl::FromUnixSeconds(1704067200);
};

TEST_F(CredentialIssuerTest, TokenIsStoredAsItsHashOnly) {
  IssuedToken issued = IssueToken(store_, kProject, now_).value();
  ASSERT_TRUE(absl::StartsWith(issued.token, "rms_"));
  EXPECT_EQ(issued.token.size(), 4u + 64u);
  EXPECT_TRUE(OnlyChars(issued.token.substr(4), "0123456789abcdef"));
  ASSERT_EQ(store_.rows().size(), 1u);
  const storage::CredentialRecord& row = store_.rows()[0];
  EXPECT_EQ(row.id, issued.credential_id);
  EXPECT_EQ(row.id.size(), 32u);
  EXPECT_EQ(row.kind, "token");
  EXPECT_EQ(row.project_id, kProject);
  EXPECT_EQ(row.token_sha256, crypto::Sha256Hex(issued.token));
  EXPECT_EQ(row.created_at, now_);
}

TEST_F(CredentialIssuerTest, AccessKeyFormatsAndSealedSecret) {
  IssuedAccessKey issued = IssueAccessKey(store_, box_, kProject, now_).value();
  EXPECT_EQ(issued.access_key.size(), 20u);
  EXPECT_TRUE(OnlyChars(issued.access_key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
  EXPECT_EQ(issued.secret_key.size(), 40u);
  EXPECT_TRUE(OnlyChars(issued.secret_key,
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
  const storage::CredentialRecord& row = store_.rows().at(0);
  EXPECT_EQ(row.kind, "aksk");
  EXPECT_EQ(row.access_key, issued.access_key);
  EXPECT_FALSE(absl::StrContains(row.encrypted_secret_key, issued.secret_key));
  EXPECT_EQ(box_.Open(row.encrypted_secret_key).value(), issued.secret_key);
}

TEST_F(CredentialIssuerTest, IssuedCredentialsAuthenticate) {
  IssuedToken token = IssueToken(store_, kProject, now_).value();
  IssuedAccessKey key = IssueAccessKey(store_, box_, kProject, now_).value();
  Authenticator authenticator(store_, box_, [this] { return now_; });

  SignableRequest by_token;
  by_token.headers["X-Auth-Token"] = token.token;
  EXPECT_EQ(authenticator.Authenticate(by_token, kProject).value().credential_id,
            token.credential_id);

  SignableRequest by_key;
  by_key.method = "POST";
  by_key.path = "/rms.v1.MigrationService/ShowTask";
  by_key.body = std::string("\x0a\x03") + "abc";  // a serialized message: field 1 = "abc"
  by_key.headers["x-sdk-date"] = "20240101T000000Z";
  by_key.headers["authorization"] = SignAsClient(key.access_key, key.secret_key, by_key).value();
  EXPECT_EQ(authenticator.Authenticate(by_key, kProject).value().credential_id, key.credential_id);
}

TEST_F(CredentialIssuerTest, EmptyProjectIsRejected) {
  EXPECT_EQ(IssueToken(store_, "", now_).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueAccessKey(store_, box_, "", now_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_.rows().empty());
}

TEST_F(CredentialIssuerTest, StoreErrorsPassThrough) {
  store_.FailWithForTest(absl::UnavailableError("database down"));
  EXPECT_EQ(IssueToken(store_, kProject, now_).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rms::auth
