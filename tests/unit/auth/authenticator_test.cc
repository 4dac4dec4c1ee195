// Tests of Authenticator: tokens, AK/SK signatures (the spec vectors), clock skew and projects.
#include "services/auth/authenticator.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "services/common/errors.h"
#include "services/crypto/digest.h"
#include "tests/unit/auth/in_memory_credential_store.h"
#include "tests/unit/auth/signing_vectors.h"

namespace rms::auth {
namespace {

using namespace rms::auth::testing;  // NOLINT: test vectors

constexpr char kToken[] = "rms_0123456789abcdef";
constexpr char kOtherProject[] = "ffffab27e2c0401cb11d2d2d7e1f4b0b";

absl::Time VectorTime() {
  return absl::FromCivil(absl::CivilSecond(2024, 1, 1), absl::UTCTimeZone());
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : box_(crypto::SecretBox::FromKeyForTest(std::string(32, 'k'))) {
    AddAccessKey("cred-ak", kProject, kAk, kSk);
    AddAccessKey("cred-other", kOtherProject, "OTHERPROJECTAK000001", kSk);
    storage::CredentialRecord token;
    token.id = "cred-token";
    token.project_id = kProject;
    token.kind = "token";
    token.token_sha256 = crypto::Sha256Hex(kToken);
    EXPECT_TRUE(store_.CreateCredential(token).ok());
  }

  void AddAccessKey(const std::string& id, const std::string& project, const std::string& ak,
                    const std::string& sk) {
    storage::CredentialRecord record;
    record.id = id;
    record.project_id = project;
    record.kind = "aksk";
    record.access_key = ak;
    record.encrypted_secret_key = box_.Seal(sk).value();
    EXPECT_TRUE(store_.CreateCredential(record).ok());
  }

  absl::StatusOr<Principal> Run(const SignableRequest& req, const std::string& project = kProject) {
    Authenticator authenticator(store_, box_, [this] { return now_; });
    return authenticator.Authenticate(req, project);
  }

  static SignableRequest Signed(SignableRequest req, const std::string& signature) {
    req.headers["Authorization"] = AuthorizationFor(signature);
    return req;
  }

  InMemoryCredentialStore store_;
  crypto::SecretBox box_;
  absl::Time now_ = VectorTime();
};

void ExpectCode(const absl::StatusOr<Principal>& result, absl::StatusCode code,
                absl::string_view dcs_code) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), code) << result.status();
  EXPECT_EQ(errors::DcsCodeOf(result.status()).value_or(""), dcs_code) << result.status();
  EXPECT_FALSE(absl::StrContains(result.status().message(), kSk));
}
// An Authorization header for `req` under the vector keys that signs only `names`.
std::string SignOnly(const SignableRequest& req, const std::vector<std::string>& names) {
  std::string signature = Sign(kSk, StringToSign(kDate, CanonicalRequest(req, names).value()));
  return "SDK-HMAC-SHA256 Access=" + std::string(kAk) +
         ", SignedHeaders=" + absl::StrJoin(names, ";") + ", Signature=" + signature;
}

void Expect401(const absl::StatusOr<Principal>& r) {
  ExpectCode(r, absl::StatusCode::kUnauthenticated, "DCS.4010");
}
void Expect403(const absl::StatusOr<Principal>& r) {
  ExpectCode(r, absl::StatusCode::kPermissionDenied, "DCS.4030");
}

TEST_F(AuthenticatorTest, BothVectorsVerify) {
  for (SignableRequest req : {Signed(Vector1(), kSignature1), Signed(Vector2(), kSignature2)}) {
    absl::StatusOr<Principal> principal = Run(req);
    ASSERT_TRUE(principal.ok()) << principal.status();
    EXPECT_EQ(principal->project_id, kProject);
    EXPECT_EQ(principal->credential_id, "cred-ak");
    EXPECT_EQ(principal->kind, "aksk");
  }
}

TEST_F(AuthenticatorTest, WrongSecretKeyIs401) {
  std::string wrong = Sign("WrongSecret", StringToSign(kDate, "x"));
  Expect401(Run(Signed(Vector1(), wrong)));
}

TEST_F(AuthenticatorTest, AlteredBodyIs401) {
  SignableRequest req = Signed(Vector1(), kSignature1);
  req.body.replace(req.body.find("srcpass"), 7, "evilpwd");
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, AlteredQueryIs401) {
  SignableRequest req = Signed(Vector2(), kSignature2);
  req.query[0].second = "1";
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, AlteredPathIs401) {
  SignableRequest req = Signed(Vector1(), kSignature1);
  req.path += "s";
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, DateWithinFifteenMinutesIsAccepted) {
  now_ = VectorTime() + absl::Minutes(15);
  EXPECT_TRUE(Run(Signed(Vector1(), kSignature1)).ok());
  now_ = VectorTime() - absl::Minutes(15);
  EXPECT_TRUE(Run(Signed(Vector1(), kSignature1)).ok());
}

TEST_F(AuthenticatorTest, StaleDateIs401) {
  now_ = VectorTime() + absl::Minutes(16);
  Expect401(Run(Signed(Vector1(), kSignature1)));
}

TEST_F(AuthenticatorTest, FutureDateIs401) {
  now_ = VectorTime() - absl::Minutes(16);
  Expect401(Run(Signed(Vector1(), kSignature1)));
}

TEST_F(AuthenticatorTest, NoCredentialsIs401) { Expect401(Run(Vector1())); }

TEST_F(AuthenticatorTest, MissingDateHeaderIs401) {
  SignableRequest req = Signed(Vector1(), kSignature1);
  req.headers.erase("X-Sdk-Date");
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, MissingSignedHeaderIs401) {
  SignableRequest req = Signed(Vector1(), kSignature1);
  req.headers.erase("User-Agent");
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, MalformedDateIs401) {
  for (const char* date : {"2024-01-01T00:00:00Z", "20240101T000000", "20241301T000000Z"}) {
    SignableRequest req = Signed(Vector1(), kSignature1);
    req.headers["X-Sdk-Date"] = date;
    Expect401(Run(req));
  }
}

TEST_F(AuthenticatorTest, MalformedAuthorizationIs401) {
  SignableRequest req = Vector1();
  req.headers["Authorization"] = "SDK-HMAC-SHA256 Access=" + std::string(kAk);
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, DateMustBeSigned) {
  SignableRequest req = Vector1();
  req.headers.erase("Host");
  req.headers["Authorization"] = SignOnly(req, {"content-type"});
  Expect401(Run(req));
  req.headers["Authorization"] = SignOnly(req, {"x-sdk-date"});
  EXPECT_TRUE(Run(req).ok());
}

TEST_F(AuthenticatorTest, HostMustBeSignedWhenPresent) {
  SignableRequest req = Vector1();
  req.headers["Authorization"] = SignOnly(req, {"x-sdk-date"});
  Expect401(Run(req));
  req.headers["Authorization"] = SignOnly(req, {"host", "x-sdk-date"});
  EXPECT_TRUE(Run(req).ok());
}

TEST_F(AuthenticatorTest, UnknownAccessKeyIs401) {
  SignableRequest req = Vector1();
  req.headers["Authorization"] = AuthorizationFor(kSignature1, "UNKNOWNACCESSKEY0001");
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, OtherProjectsAccessKeyIs403) {
  SignableRequest req = Vector1();
  req.headers["Authorization"] = SignAsClient("OTHERPROJECTAK000001", kSk, req).value();
  Expect403(Run(req));
}

TEST_F(AuthenticatorTest, ProjectIdHeaderMismatchIs403) {
  SignableRequest req = Vector1();
  req.headers["X-Project-Id"] = kOtherProject;
  req.headers["Authorization"] = SignAsClient(kAk, kSk, req).value();
  Expect403(Run(req));
}

TEST_F(AuthenticatorTest, TokenOk) {
  SignableRequest req = Vector2();
  req.headers["X-Auth-Token"] = kToken;
  absl::StatusOr<Principal> principal = Run(req);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->credential_id, "cred-token");
  EXPECT_EQ(principal->kind, "token");
}

TEST_F(AuthenticatorTest, UnknownTokenIs401) {
  SignableRequest req = Vector2();
  req.headers["X-Auth-Token"] = "rms_unknown";
  Expect401(Run(req));
  req.headers["X-Auth-Token"] = "  ";
  Expect401(Run(req));
}

TEST_F(AuthenticatorTest, TokenOfAnotherProjectIs403) {
  SignableRequest req;
  req.headers["X-Auth-Token"] = kToken;
  Expect403(Run(req, kOtherProject));
  Expect403(Run(req, ""));
}

TEST_F(AuthenticatorTest, StorageErrorsPassThrough) {
  store_.FailWithForTest(absl::UnavailableError("database down"));
  SignableRequest req = Vector2();
  req.headers["X-Auth-Token"] = kToken;
  EXPECT_EQ(Run(req).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Run(Signed(Vector1(), kSignature1)).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(AuthenticatorTest, UndecryptableSecretIsDataLoss) {
  crypto::SecretBox other = crypto::SecretBox::FromKeyForTest(std::string(32, 'o'));
  Authenticator authenticator(store_, other, [this] { return now_; });
  EXPECT_EQ(authenticator.Authenticate(Signed(Vector1(), kSignature1), kProject).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ParseSdkDate, StrictFormat) {
  EXPECT_EQ(ParseSdkDate("20240101T000000Z"), VectorTime());
  EXPECT_FALSE(ParseSdkDate("+2024101T000000Z").has_value());
  EXPECT_FALSE(ParseSdkDate("20240101t000000z").has_value());
  EXPECT_FALSE(ParseSdkDate("20240230T000000Z").has_value());
  EXPECT_FALSE(ParseSdkDate("20240101T240000Z").has_value());
  EXPECT_EQ(ParseSdkDate("20240229T235959Z"),
            absl::FromCivil(absl::CivilSecond(2024, 2, 29, 23, 59, 59), absl::UTCTimeZone()));
}

}  // namespace
}  // namespace rms::auth
