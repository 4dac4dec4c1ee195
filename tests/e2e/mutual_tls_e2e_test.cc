// Mutual TLS (issue 9): migrationd with --tls-client-ca serves REST, gRPC and migrationctl only
// to clients that present a certificate signed by one of those CAs; a client without a
// certificate, or with one from another CA, fails the TLS handshake and is never answered.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "tests/e2e/ctl/ctl_process.h"
#include "tests/e2e/e2e_env.h"
#include "tests/support/client_certificates.h"
#include "tests/support/raw_http_client.h"

namespace rms::e2e {
namespace {

using test_support::ClientCertificate;
using test_support::TlsClientIdentity;

constexpr char kProject[] = "mtls-project";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// One migrationd for the suite, with a self-signed server certificate and --tls-client-ca
// naming the "trusted" CA; a "stranger" CA signed the other client certificate.
class MutualTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto admin_url = test_support::TestDatabaseUrlFromEnv();
    if (!admin_url) return;
    auto dir = test_support::TempDir::Create("rms-mtls");
    ASSERT_TRUE(dir.ok()) << dir.status();
    certs_ = std::move(*dir);
    const std::string path = certs_->path();
    ASSERT_TRUE(test_support::MakeSelfSignedCert(path).ok());
    auto trusted = test_support::MakeClientCertificate(path, "trusted");
    auto stranger = test_support::MakeClientCertificate(path, "stranger");
    ASSERT_TRUE(trusted.ok()) << trusted.status();
    ASSERT_TRUE(stranger.ok()) << stranger.status();
    trusted_ = new ClientCertificate(*trusted);
    stranger_ = new ClientCertificate(*stranger);
    auto env = E2eEnv::Create(*admin_url, "",
                              {"--tls-cert-file", ServerCert(), "--tls-key-file", path + "/key.pem",
                               "--tls-client-ca", trusted_->ca_file});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = std::move(*env);
    auto project = env_->AddProject(kProject);
    ASSERT_TRUE(project.ok()) << project.status();
    token_ = new std::string(project->credentials.token);
  }
  static void TearDownTestSuite() {
    env_.reset();
    certs_.reset();
  }
  void SetUp() override {
    if (!env_) GTEST_SKIP() << test_support::kTestDatabaseUrlEnv << " is not set";
  }

  static std::string ServerCert() { return certs_->path() + "/cert.pem"; }

  // One REST request over TLS presenting `identity`.
  static absl::StatusOr<std::string> Rest(const std::string& path,
                                          const TlsClientIdentity& identity) {
    return test_support::TlsExchange(
        env_->server->http_port(), ServerCert(),
        absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                     "X-Auth-Token: ", *token_, "\r\n\r\n"),
        absl::Now() + absl::Seconds(10), identity);
  }

  // ListTasks over gRPC with TLS, presenting `identity` when it is set.
  static grpc::Status GrpcList(const TlsClientIdentity& identity) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadFile(ServerCert());
    if (!identity.cert_file.empty()) {
      ssl.pem_cert_chain = ReadFile(identity.cert_file);
      ssl.pem_private_key = ReadFile(identity.key_file);
    }
    GrpcClient grpc(env_->server->grpc_port(), *token_, grpc::SslCredentials(ssl));
    v1::ListTasksRequest list;
    list.set_project_id(kProject);
    return grpc.Call(&v1::MigrationService::Stub::ListTasks, list).status;
  }

  static CtlOptions Ctl() {
    CtlOptions ctl;
    ctl.env = {{"RMS_ENDPOINT", absl::StrCat("https://127.0.0.1:", env_->server->http_port())},
               {"RMS_PROJECT", kProject},
               {"RMS_TOKEN", *token_},
               {"RMS_CA_FILE", ServerCert()}};
    return ctl;
  }

  static TlsClientIdentity Trusted() { return {trusted_->cert_file, trusted_->key_file}; }
  static TlsClientIdentity Stranger() { return {stranger_->cert_file, stranger_->key_file}; }

  static inline std::unique_ptr<test_support::TempDir> certs_;
  static inline std::unique_ptr<E2eEnv> env_;
  static inline ClientCertificate* trusted_ = nullptr;
  static inline ClientCertificate* stranger_ = nullptr;
  static inline std::string* token_ = nullptr;
};

TEST_F(MutualTlsTest, RestServesAClientCertificateOfTheTrustedCa) {
  absl::StatusOr<std::string> health = Rest("/healthz", Trusted());
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(test_support::StatusOf(*health), 200) << *health;
  absl::StatusOr<std::string> list = Rest(ApiPath(kProject, "/migration-tasks"), Trusted());
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(test_support::StatusOf(*list), 200) << *list;
}

TEST_F(MutualTlsTest, RestRefusesTheHandshakeWithoutAClientCertificate) {
  absl::StatusOr<std::string> reply = Rest("/healthz", {});
  EXPECT_TRUE(absl::IsUnavailable(reply.status())) << (reply.ok() ? *reply : "");
}

TEST_F(MutualTlsTest, RestRefusesTheHandshakeWithACertificateOfAnotherCa) {
  absl::StatusOr<std::string> reply = Rest("/healthz", Stranger());
  EXPECT_TRUE(absl::IsUnavailable(reply.status())) << (reply.ok() ? *reply : "");
}

TEST_F(MutualTlsTest, GrpcServesOnlyAClientCertificateOfTheTrustedCa) {
  const grpc::Status trusted = GrpcList(Trusted());
  EXPECT_TRUE(trusted.ok()) << trusted.error_message();
  EXPECT_EQ(GrpcList({}).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GrpcList(Stranger()).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, MigrationctlConnectsWithItsClientCertificate) {
  CtlOptions ctl = Ctl();
  ctl.env["RMS_CLIENT_CERT"] = trusted_->cert_file;
  ctl.env["RMS_CLIENT_KEY"] = trusted_->key_file;
  const CtlRun with_env = RunCtl({"list", "--json"}, ctl);
  EXPECT_EQ(with_env.exit_code, 0) << Describe(with_env);
  const CtlRun with_flags = RunCtl(
      {"list", "--client-cert", trusted_->cert_file, "--client-key", trusted_->key_file}, Ctl());
  EXPECT_EQ(with_flags.exit_code, 0) << Describe(with_flags);
  const CtlRun without = RunCtl({"list"}, Ctl());  // no client certificate: no connection
  EXPECT_EQ(without.exit_code, 3) << Describe(without);
  const CtlRun stranger = RunCtl(
      {"list", "--client-cert", stranger_->cert_file, "--client-key", stranger_->key_file}, Ctl());
  EXPECT_EQ(stranger.exit_code, 3) << Describe(stranger);
}

}  // namespace
}  // namespace rms::e2e
