// Reproduces the signing examples of docs/authentication.md byte for byte, then checks the
// encoding rules one by one.
#include "services/auth/sdk_signing.h"

#include <gtest/gtest.h>

#include "services/crypto/digest.h"
#include "tests/unit/auth/signing_vectors.h"

namespace rms::auth {
namespace {

using namespace rms::auth::testing;  // NOLINT: test vectors

std::vector<std::string> VectorSignedHeaders() {
  return {"content-type", "host", "user-agent", "x-project-id", "x-sdk-date"};
}

TEST(SdkSigning, Vector1CanonicalRequest) {
  const std::string expected =
      "POST\n"
      "/v2/0504ab27e2c0401cb11d2d2d7e1f4b0b/migration/5ab5fc1c3b8b4a3f9ad96f2bb46f2b2a/task/\n"
      "\n"
      "content-type:application/json;charset=utf-8\n"
      "host:127.0.0.1:8080\n"
      "user-agent:huaweicloud-usdk-python/3.0\n"
      "x-project-id:0504ab27e2c0401cb11d2d2d7e1f4b0b\n"
      "x-sdk-date:20240101T000000Z\n"
      "\n"
      "content-type;host;user-agent;x-project-id;x-sdk-date\n"
      "b2e51aa7c661a141ea16e69774d01e8432b840186d9891bca5c8c98c55c88547";
  ASSERT_EQ(Vector1().body.size(), 239u);
  EXPECT_EQ(CanonicalRequest(Vector1(), VectorSignedHeaders()).value(), expected);
}

TEST(SdkSigning, Vector1StringToSignAndSignature) {
  std::string canonical = CanonicalRequest(Vector1(), VectorSignedHeaders()).value();
  std::string string_to_sign = StringToSign(kDate, canonical);
  EXPECT_EQ(string_to_sign,
            "SDK-HMAC-SHA256\n20240101T000000Z\n"
            "daa1677cd5dd5166291c47528e82f8e3a1dbfbb70c99fb52a16c8dbb58b6b0ce");
  EXPECT_EQ(Sign(kSk, string_to_sign), kSignature1);
}

TEST(SdkSigning, Vector2CanonicalRequest) {
  const std::string expected =
      "GET\n"
      "/v2/0504ab27e2c0401cb11d2d2d7e1f4b0b/migration-tasks/\n"
      "limit=10&name=dcs%20migration&offset=0\n"
      "content-type:application/json\n"
      "host:127.0.0.1:8080\n"
      "user-agent:huaweicloud-usdk-python/3.0\n"
      "x-project-id:0504ab27e2c0401cb11d2d2d7e1f4b0b\n"
      "x-sdk-date:20240101T000000Z\n"
      "\n"
      "content-type;host;user-agent;x-project-id;x-sdk-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  EXPECT_EQ(CanonicalRequest(Vector2(), VectorSignedHeaders()).value(), expected);
}

TEST(SdkSigning, Vector2StringToSignAndSignature) {
  std::string canonical = CanonicalRequest(Vector2(), VectorSignedHeaders()).value();
  std::string string_to_sign = StringToSign(kDate, canonical);
  EXPECT_EQ(crypto::Sha256Hex(canonical),
            "6fddfcfe0a4cc892b10a877a8512c8c71ac356f78615eeaaac54a37a666b1218");
  EXPECT_EQ(Sign(kSk, string_to_sign), kSignature2);
}

TEST(SdkSigning, SignAsClientProducesTheVectorHeaders) {
  EXPECT_EQ(SignAsClient(kAk, kSk, Vector1()).value(), AuthorizationFor(kSignature1));
  EXPECT_EQ(SignAsClient(kAk, kSk, Vector2()).value(), AuthorizationFor(kSignature2));
}

TEST(SdkSigning, SignAsClientNeedsADate) {
  SignableRequest req = Vector2();
  req.headers.erase("x-sdk-date");
  EXPECT_EQ(SignAsClient(kAk, kSk, req).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SdkSigning, HeaderValuesAreTrimmedAndNamesCaseInsensitive) {
  SignableRequest req = Vector1();
  req.headers.erase("Host");
  req.headers["HOST"] = "  127.0.0.1:8080\t";
  EXPECT_EQ(Sign(kSk, StringToSign(kDate, CanonicalRequest(req, VectorSignedHeaders()).value())),
            kSignature1);
}

TEST(SdkSigning, MissingSignedHeaderIsAnError) {
  SignableRequest req = Vector1();
  req.headers.erase("user-agent");
  EXPECT_EQ(CanonicalRequest(req, VectorSignedHeaders()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(UriEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(UriEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a b+c/d*e'(!)"), "a%20b%2Bc%2Fd%2Ae%27%28%21%29");
  EXPECT_EQ(UriEncode("\xc3\xa9"), "%C3%A9");
}

TEST(PercentDecode, DecodesAndKeepsMalformed) {
  EXPECT_EQ(PercentDecode("a%20b%2fc"), "a b/c");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
}

TEST(CanonicalUri, DecodesThenReencodesEachSegment) {
  EXPECT_EQ(CanonicalUri("/v2/p/tasks"), "/v2/p/tasks/");
  EXPECT_EQ(CanonicalUri("/v2/p/tasks/"), "/v2/p/tasks/");
  EXPECT_EQ(CanonicalUri("/a%20b/c d/%7e"), "/a%20b/c%20d/~/");
  EXPECT_EQ(CanonicalUri(""), "/");
}

TEST(CanonicalQuery, SortsByKeyThenValue) {
  EXPECT_EQ(CanonicalQuery({}), "");
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", "z"}, {"a", "y"}, {"c", ""}}), "a=y&a=z&b=2&c=");
  EXPECT_EQ(CanonicalQuery({{"k y", "a&b=c"}}), "k%20y=a%26b%3Dc");
}

TEST(ParseAuthorization, AcceptsTheOfficialForm) {
  absl::optional<SdkAuthorization> auth = ParseAuthorization(AuthorizationFor(kSignature1));
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->access_key, kAk);
  EXPECT_EQ(auth->signed_headers, VectorSignedHeaders());
  EXPECT_EQ(auth->signature, kSignature1);
}

TEST(ParseAuthorization, RejectsMalformedValues) {
  for (const char* bad : {
           "",
           "Bearer abc",
           "SDK-HMAC-SHA1 Access=A, SignedHeaders=x-sdk-date, Signature=00",
           "SDK-HMAC-SHA256",
           "SDK-HMAC-SHA256 Access=A, SignedHeaders=x-sdk-date",
           "SDK-HMAC-SHA256 Access=A, Signature=00",
           "SDK-HMAC-SHA256 SignedHeaders=x-sdk-date, Signature=00",
           "SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=00",
           "SDK-HMAC-SHA256 Access=A, SignedHeaders=x-sdk-date;;host, Signature=00",
           "SDK-HMAC-SHA256 Access=A, SignedHeaders=X-Sdk-Date, Signature=00",
           "SDK-HMAC-SHA256 Access=A, Access=B, SignedHeaders=x-sdk-date, Signature=00",
           "SDK-HMAC-SHA256 Access=A, SignedHeaders=x-sdk-date, Signature=00, Extra=1",
           "SDK-HMAC-SHA256 Access=A SignedHeaders=x-sdk-date Signature=00",
       }) {
    EXPECT_FALSE(ParseAuthorization(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rms::auth
