// Unit tests of the ACL user and TLS fields of an instance body (our extension): one short test
// per rule, through ValidateInstanceBody as the routes call it, and their round trip through the
// stored task config.
#include "services/api/instance_access.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/api/request_validation.h"
#include "services/api/string_fields.h"
#include "services/common/errors.h"
#include "services/task_config/task_config.h"

namespace rms::api {
namespace {

// A self-signed EC CA certificate (parsed only, never trusted).
constexpr char kCaPem[] = R"(-----BEGIN CERTIFICATE-----
MIIBjTCCATOgAwIBAgIUX0DB12jkAYdvy2pwrQy3tl3wkxEwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQcm1zIHVuaXQgdGVzdCBDQTAgFw0yNjExMzAxNzI0MjFaGA8y
MTI2MTEwNjE3MjQyMVowGzEZMBcGA1UEAwwQcm1zIHVuaXQgdGVzdCBDQTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABE7WhP+dQI7tcCQ8W2Jo4eGCtYSskL+EmUhJ
6pf5BO62s8aGHIQmDr2y7iXFvbqmXc9Kp2PZiUfl8v0vT7h9Qz6jUzBRMB0GA1Ud
DgQWBBRVni1Q2KcQPaom2U4oO3hWWBgTwzAfBgNVHSMEGDAWgBRVni1Q2KcQPaom
2U4oO3hWWBgTwzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDy
ztrYz8GgSUk6ctBkhQLBKJPjGkg47RA4UcLNWU58YwIgSHHHRNGvO2Q6pGNsoiRU
T6K75JXNmzVGO6XQsWG5isU=
-----END CERTIFICATE-----
)";

v1::InstanceBody Valid() {
  v1::InstanceBody body;
  body.set_addrs("127.0.0.1:6379");
  body.set_password("pw");
  body.set_username("mover");
  body.mutable_tls()->set_enabled(true);
  body.mutable_tls()->set_ca_cert(kCaPem);
  body.mutable_tls()->set_server_name("redis.example.com");
  return body;
}

// The DCS code and the field the message names ("" when OK).
std::string Check(const v1::InstanceBody& body) {
  absl::Status status = ValidateInstanceBody("source_instance", true, body);
  if (status.ok()) return "OK";
  return absl::StrCat(errors::DcsCodeOf(status).value_or("none"), " ", status.message());
}

TEST(InstanceAccessTest, ValidUserAndTlsAreAccepted) {
  EXPECT_EQ(Check(Valid()), "OK");
  v1::InstanceBody two_cas = Valid();
  two_cas.mutable_tls()->set_ca_cert(absl::StrCat(kCaPem, kCaPem));
  EXPECT_EQ(Check(two_cas), "OK");
  v1::InstanceBody ip = Valid();
  ip.mutable_tls()->set_server_name("::1");
  EXPECT_EQ(Check(ip), "OK");
}

TEST(InstanceAccessTest, RegisteredInstanceMayCarryUserAndTls) {
  v1::InstanceBody body = Valid();
  body.clear_addrs();
  body.clear_password();
  body.set_id("0f9a");
  EXPECT_EQ(Check(body), "OK");
}

TEST(InstanceAccessTest, UsernameWithASpaceIsRefused) {
  v1::InstanceBody body = Valid();
  body.set_username("mover two");
  EXPECT_TRUE(absl::StartsWith(Check(body), "DCS.4002")) << Check(body);
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.username")) << Check(body);
}

TEST(InstanceAccessTest, UsernameWithNulOrControlIsRefused) {
  v1::InstanceBody body = Valid();
  body.set_username(std::string("mo\0ver", 6));
  EXPECT_TRUE(absl::StartsWith(Check(body), "DCS.4002")) << Check(body);
  body.set_username("mo\tver");
  EXPECT_TRUE(absl::StartsWith(Check(body), "DCS.4002")) << Check(body);
}

TEST(InstanceAccessTest, UsernameTooLongIsRefused) {
  v1::InstanceBody body = Valid();
  body.set_username(std::string(kMaxUsernameBytes, 'u'));
  EXPECT_EQ(Check(body), "OK");
  body.set_username(std::string(kMaxUsernameBytes + 1, 'u'));
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.username")) << Check(body);
}

TEST(InstanceAccessTest, UsernameWithoutPasswordIsRefused) {
  v1::InstanceBody body = Valid();
  body.clear_password();
  EXPECT_TRUE(absl::StrContains(Check(body), "a user name with a password")) << Check(body);
}

TEST(InstanceAccessTest, CaCertThatIsNotPemIsRefused) {
  v1::InstanceBody body = Valid();
  body.mutable_tls()->set_ca_cert("not a certificate");
  EXPECT_TRUE(absl::StartsWith(Check(body), "DCS.4002")) << Check(body);
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.ca_cert")) << Check(body);
}

TEST(InstanceAccessTest, CaCertWithACorruptBlockIsRefused) {
  std::string pem = kCaPem;
  pem[100] = pem[100] == 'A' ? 'B' : 'A';  // inside the DER: no longer a certificate
  v1::InstanceBody body = Valid();
  body.mutable_tls()->set_ca_cert(pem);
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.ca_cert")) << Check(body);
  body.mutable_tls()->set_ca_cert(absl::StrCat(kCaPem, "-----BEGIN CERTIFICATE-----\nAAAA\n"));
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.ca_cert")) << Check(body);
}

TEST(InstanceAccessTest, CaCertWithAPrivateKeyIsRefused) {
  v1::InstanceBody body = Valid();
  body.mutable_tls()->set_ca_cert(
      absl::StrCat(kCaPem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  EXPECT_TRUE(absl::StrContains(Check(body), "private key")) << Check(body);
}

TEST(InstanceAccessTest, TlsFieldsWithEnabledFalseAreRefused) {
  v1::InstanceBody body = Valid();
  body.mutable_tls()->set_enabled(false);
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.enabled")) << Check(body);
  body.mutable_tls()->Clear();
  body.mutable_tls()->set_insecure_skip_verify(true);
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.enabled")) << Check(body);
  body.mutable_tls()->Clear();  // {"enabled": false} alone: plain TCP
  EXPECT_EQ(Check(body), "OK");
}

TEST(InstanceAccessTest, CaCertWithInsecureSkipVerifyIsRefused) {
  v1::InstanceBody body = Valid();
  body.mutable_tls()->set_insecure_skip_verify(true);
  EXPECT_TRUE(absl::StrContains(Check(body), "insecure_skip_verify")) << Check(body);
  body.mutable_tls()->clear_ca_cert();
  EXPECT_EQ(Check(body), "OK");
}

TEST(InstanceAccessTest, ServerNameWithOtherCharactersIsRefused) {
  v1::InstanceBody body = Valid();
  body.mutable_tls()->set_server_name("redis example.com");
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.server_name")) << Check(body);
  body.mutable_tls()->set_server_name(std::string(kMaxServerNameBytes + 1, 'a'));
  EXPECT_TRUE(absl::StrContains(Check(body), "source_instance.tls.server_name")) << Check(body);
}

TEST(InstanceAccessTest, CaCertPassesTheStringLimitsWithLineBreaks) {
  v1::ConfigureTaskRequest request;
  *request.mutable_body()->mutable_source_instance() = Valid();
  std::string bundle;
  while (bundle.size() <= kMaxStringBytes) bundle += kCaPem;  // longer than other strings
  request.mutable_body()->mutable_source_instance()->mutable_tls()->set_ca_cert(bundle);
  EXPECT_TRUE(ValidateRequestStrings(request).ok()) << ValidateRequestStrings(request);
  bundle.append(kMaxPemBytes, 'x');
  request.mutable_body()->mutable_source_instance()->mutable_tls()->set_ca_cert(bundle);
  EXPECT_FALSE(ValidateRequestStrings(request).ok());
  request.mutable_body()->mutable_source_instance()->mutable_tls()->set_ca_cert(
      std::string(kCaPem) + std::string(1, '\0'));
  EXPECT_FALSE(ValidateRequestStrings(request).ok());
}

TEST(InstanceAccessTest, UserAndTlsRoundTripThroughTheStoredConfig) {
  task_config::TaskConfig config;
  config.source = task_config::EndpointConfig{"", "", "127.0.0.1:6379", "sealed"};
  config.source->username = "mover";
  config.source->tls = task_config::TlsConfig{true, kCaPem, "redis.example.com", false};
  config.target = task_config::EndpointConfig{"", "", "127.0.0.1:6380", ""};
  auto back = task_config::TaskConfigFromJson(task_config::TaskConfigToJson(config));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->source->username, "mover");
  EXPECT_TRUE(back->source->tls.enabled);
  EXPECT_EQ(back->source->tls.ca_cert, kCaPem);
  EXPECT_EQ(back->source->tls.server_name, "redis.example.com");
  EXPECT_FALSE(back->target->tls.enabled);
  EXPECT_EQ(back->target->username, "");
}

}  // namespace
}  // namespace rms::api
