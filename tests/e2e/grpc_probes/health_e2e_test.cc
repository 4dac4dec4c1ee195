// Readiness end to end: /readyz, the gRPC health service and rms_ready follow the database as a
// proxy cuts and restores migrationd's link to it, without a restart; server reflection lists
// the services and serves their descriptors.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"
#include "probes/health.grpc.pb.h"
#include "probes/reflection.grpc.pb.h"
#include "tests/support/api_clients.h"
#include "tests/support/migrationd_process.h"
#include "tests/support/pg_test_database.h"
#include "tests/support/tcp_proxy.h"

namespace rms::e2e {
namespace {

using grpc::health::v1::HealthCheckResponse;
using test_support::TcpProxy;
using test_support::WaitFor;

// The URL with its port replaced by `port` ("" when the URL has no explicit port).
std::string WithPort(const std::string& url, int port) {
  std::smatch match;
  if (!std::regex_search(url, match, std::regex(R"(@127\.0\.0\.1:(\d+)/)"))) return "";
  return absl::StrCat(match.prefix().str(), "@127.0.0.1:", port, "/", match.suffix().str());
}

int PortOf(const std::string& url) {
  std::smatch match;
  return std::regex_search(url, match, std::regex(R"(@127\.0\.0\.1:(\d+)/)"))
             ? std::stoi(match[1].str())
             : 0;
}

class HealthE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> admin = test_support::TestDatabaseUrlFromEnv();
    if (!admin) GTEST_SKIP() << "RMS_TEST_DATABASE_URL is not set";
    auto database = test_support::PgTestDatabase::Create(*admin);
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
    auto proxy = TcpProxy::Start(PortOf(database_->url()));
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = std::move(*proxy);
    const std::string proxied = WithPort(database_->url(), proxy_->port());
    ASSERT_FALSE(proxied.empty()) << "unexpected test database URL shape";
    auto dir = test_support::TempDir::Create("rms-health");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::move(*dir);
    auto server = test_support::MigrationdProcess::Start(
        {dir_->path(), proxied, {"--roles", "api,worker", "--workers", "1"}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (proxy_) proxy_->SetMode(TcpProxy::Mode::kForward);
    server_.reset();
  }

  int ReadyzStatus(std::string* code = nullptr) const {
    test_support::HttpReply reply =
        test_support::RestClient(server_->http_port(), "").Send("GET", "/readyz");
    if (code != nullptr && reply.json.is_object() && reply.json.contains("error_code")) {
      *code = reply.json["error_code"].get<std::string>();
    }
    return reply.status;
  }

  HealthCheckResponse::ServingStatus GrpcHealth(const std::string& service) const {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    return status.ok() ? response.status() : HealthCheckResponse::UNKNOWN;
  }

  std::string Metrics() const {
    test_support::HttpReply reply =
        test_support::RestClient(server_->metrics_port(), "").Send("GET", "/metrics");
    return reply.body;
  }

  std::unique_ptr<test_support::PgTestDatabase> database_;
  std::unique_ptr<TcpProxy> proxy_;
  std::unique_ptr<test_support::TempDir> dir_;
  std::unique_ptr<test_support::MigrationdProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(HealthE2eTest, ReadinessFollowsTheDatabaseWithoutARestart) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  EXPECT_TRUE(WaitFor([&] { return ReadyzStatus() == 200; }, deadline));
  EXPECT_TRUE(WaitFor([&] { return GrpcHealth("") == HealthCheckResponse::SERVING; }, deadline));
  EXPECT_EQ(GrpcHealth("rms.v1.MigrationService"), HealthCheckResponse::SERVING);
  EXPECT_NE(Metrics().find("\nrms_ready 1"), std::string::npos);

  proxy_->SetMode(TcpProxy::Mode::kDown);
  std::string code;
  EXPECT_TRUE(WaitFor([&] { return ReadyzStatus(&code) == 503; }, absl::Now() + absl::Seconds(20)));
  EXPECT_EQ(code, "DCS.5031");
  EXPECT_EQ(test_support::RestClient(server_->http_port(), "").Send("GET", "/healthz").status, 200);
  EXPECT_TRUE(WaitFor([&] { return GrpcHealth("") == HealthCheckResponse::NOT_SERVING; },
                      absl::Now() + absl::Seconds(20)));
  const std::string down_metrics = Metrics();
  EXPECT_NE(down_metrics.find("\nrms_ready 0"), std::string::npos);
  EXPECT_EQ(down_metrics.find("\nrms_database_errors_total 0\n"), std::string::npos)
      << "failed database calls must be counted";

  proxy_->SetMode(TcpProxy::Mode::kForward);
  EXPECT_TRUE(WaitFor([&] { return ReadyzStatus() == 200; }, absl::Now() + absl::Seconds(30)));
  EXPECT_TRUE(WaitFor([&] { return GrpcHealth("") == HealthCheckResponse::SERVING; },
                      absl::Now() + absl::Seconds(20)));
  EXPECT_TRUE(server_->running());
}

TEST_F(HealthE2eTest, ReflectionListsAndDescribesTheServices) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = stub->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest list;
  list.set_list_services("");
  ASSERT_TRUE(stream->Write(list));
  grpc::reflection::v1alpha::ServerReflectionResponse reply;
  ASSERT_TRUE(stream->Read(&reply));
  std::set<std::string> names;
  for (const auto& service : reply.list_services_response().service()) names.insert(service.name());
  EXPECT_TRUE(names.count("rms.v1.MigrationService")) << "services: " << names.size();
  EXPECT_TRUE(names.count("grpc.health.v1.Health"));

  grpc::reflection::v1alpha::ServerReflectionRequest describe;
  describe.set_file_containing_symbol("rms.v1.MigrationService");
  ASSERT_TRUE(stream->Write(describe));
  ASSERT_TRUE(stream->Read(&reply));
  ASSERT_GT(reply.file_descriptor_response().file_descriptor_proto_size(), 0);
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(file.ParseFromString(reply.file_descriptor_response().file_descriptor_proto(0)));
  bool found = false;
  for (const auto& service : file.service()) found |= service.name() == "MigrationService";
  EXPECT_TRUE(found) << file.name();
  stream->WritesDone();
}

}  // namespace
}  // namespace rms::e2e
