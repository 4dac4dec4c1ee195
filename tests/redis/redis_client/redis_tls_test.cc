// RedisClient over TLS to a real redis-server (tls-port) with an ACL user: certificate checks
// (CA, server name, insecure_skip_verify), AUTH username password, Cancel of a blocked TLS read.
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/redis/redis_client.h"
#include "tests/support/client_certificates.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {
namespace {

using engine::redis::Endpoint;
using engine::redis::RedisClient;

constexpr char kUser[] = "mover";
constexpr char kUserPassword[] = "Mover-Pa55word-7";
constexpr char kDefaultPassword[] = "Default-Pa55word-9";

class RedisTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/rms-peer-tls.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = new std::string(pattern);
    auto server_cert = test_support::MakeServerCertificate(*dir_, "peer");
    ASSERT_TRUE(server_cert.ok()) << server_cert.status();
    auto other = test_support::MakeServerCertificate(*dir_, "other");  // another CA
    ASSERT_TRUE(other.ok()) << other.status();
    test_support::RedisServerOptions options;
    options.password = kDefaultPassword;
    options.tls_cert_file = server_cert->cert_file;
    options.tls_key_file = server_cert->key_file;
    options.tls_ca_file = server_cert->ca_file;
    options.extra_config = {absl::StrCat("user ", kUser, " on >", kUserPassword, " ~* &* +@all")};
    auto server = test_support::RedisServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    ca_ = new std::string(test_support::ReadPemFile(server_cert->ca_file));
    other_ca_ = new std::string(test_support::ReadPemFile(other->ca_file));
  }
  static void TearDownTestSuite() {
    delete server_;
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete ca_;
    delete other_ca_;
  }

  // The TLS port with the ACL user and the right CA.
  static Endpoint TlsEndpoint() {
    Endpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = server_->tls_port();
    endpoint.username = kUser;
    endpoint.password = kUserPassword;
    endpoint.tls.enabled = true;
    endpoint.tls.ca_cert = *ca_;
    return endpoint;
  }

  static test_support::RedisServer* server_;
  static std::string* dir_;
  static std::string* ca_;
  static std::string* other_ca_;
};

test_support::RedisServer* RedisTlsTest::server_ = nullptr;
std::string* RedisTlsTest::dir_ = nullptr;
std::string* RedisTlsTest::ca_ = nullptr;
std::string* RedisTlsTest::other_ca_ = nullptr;

TEST_F(RedisTlsTest, RightCaAndAclUserRunCommands) {
  auto client = RedisClient::Connect(TlsEndpoint());
  ASSERT_TRUE(client.ok()) << client.status();
  auto whoami = (*client)->Command({"ACL", "WHOAMI"});
  ASSERT_TRUE(whoami.ok()) << whoami.status();
  EXPECT_EQ(whoami->str, kUser);
  // Bigger than any TLS record and socket buffer: partial writes and many records both ways.
  const std::string big(4 << 20, 'v');
  ASSERT_TRUE((*client)->Command({"SET", "tls:big", big}).ok());
  auto get = (*client)->Command({"GET", "tls:big"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str, big);
}

TEST_F(RedisTlsTest, HostNameFromTheCertificateWorks) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.tls.server_name = "localhost";
  auto client = RedisClient::Connect(endpoint);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE((*client)->Command({"PING"}).ok());
}

TEST_F(RedisTlsTest, WrongCaIsUnavailableNamingTheCertificate) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.tls.ca_cert = *other_ca_;
  auto client = RedisClient::Connect(endpoint);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kUnavailable) << client.status();
  EXPECT_TRUE(absl::StrContains(client.status().message(), "certificate")) << client.status();
  EXPECT_TRUE(absl::StrContains(client.status().message(), "TLS handshake")) << client.status();
  EXPECT_FALSE(absl::StrContains(client.status().message(), kUserPassword));
}

TEST_F(RedisTlsTest, WrongServerNameIsUnavailableNamingTheMismatch) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.tls.server_name = "redis.other.example";
  auto client = RedisClient::Connect(endpoint);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kUnavailable) << client.status();
  EXPECT_TRUE(absl::StrContains(client.status().message(), "mismatch")) << client.status();
}

TEST_F(RedisTlsTest, InsecureSkipVerifyConnectsWithoutTheCa) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.tls.ca_cert.clear();
  endpoint.tls.server_name = "redis.other.example";
  endpoint.tls.insecure_skip_verify = true;
  auto client = RedisClient::Connect(endpoint);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE((*client)->Command({"PING"}).ok());
}

TEST_F(RedisTlsTest, NoCaAndAnUnknownIssuerFailsAgainstTheSystemStore) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.tls.ca_cert.clear();
  auto client = RedisClient::Connect(endpoint);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kUnavailable) << client.status();
  EXPECT_TRUE(absl::StrContains(client.status().message(), "certificate")) << client.status();
}

TEST_F(RedisTlsTest, CaThatIsNotPemIsInvalidArgument) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.tls.ca_cert = "not a certificate";
  auto client = RedisClient::Connect(endpoint);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument) << client.status();
}

TEST_F(RedisTlsTest, TlsToThePlainPortFailsClearly) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.port = server_->port();
  engine::redis::ClientOptions options;
  options.connect_timeout = absl::Seconds(1);  // the plain port waits for a line that never ends
  auto client = RedisClient::Connect(endpoint, options);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kUnavailable) << client.status();
  EXPECT_TRUE(absl::StrContains(client.status().message(), "TLS handshake")) << client.status();
}

TEST_F(RedisTlsTest, WrongUserIsUnauthenticatedWithoutThePassword) {
  Endpoint endpoint = TlsEndpoint();
  endpoint.username = "nobody";
  auto client = RedisClient::Connect(endpoint);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kUnauthenticated) << client.status();
  EXPECT_FALSE(absl::StrContains(client.status().message(), kUserPassword)) << client.status();
  EXPECT_TRUE(absl::StrContains(client.status().message(), "WRONGPASS")) << client.status();
}

TEST_F(RedisTlsTest, CancelWakesABlockedTlsRead) {
  auto client = RedisClient::Connect(TlsEndpoint());
  ASSERT_TRUE(client.ok()) << client.status();
  RedisClient& blocked = **client;
  // BLPOP on a list nobody pushes to: the read blocks until Cancel().
  auto reply = std::async(std::launch::async, [&blocked] {
    return blocked.Command({"BLPOP", "tls:never", "0"});
  });
  EXPECT_EQ(reply.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  const absl::Time cancelled_at = absl::Now();
  blocked.Cancel();
  ASSERT_EQ(reply.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(reply.get().status().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(absl::Now() - cancelled_at, absl::Seconds(2));
}

}  // namespace
}  // namespace rms::test_redis
