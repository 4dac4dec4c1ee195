// A Redis Cluster behind TLS with an ACL user: DiscoverTopology finds the masters on their TLS
// ports, and ClusterTargetWriter reaches every master with the first node's user, password and
// TLS settings (server name: each node's own host).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/topology/topology.h"
#include "tests/support/client_certificates.h"
#include "tests/support/redis_cluster.h"

namespace rms::test_cluster_writer {
namespace {

using engine::redis::Endpoint;

constexpr char kUserPassword[] = "cluster-mover-Pa55";

class ClusterTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/rms-cluster-tls.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    auto cert = test_support::MakeServerCertificate(dir_, "cluster");
    ASSERT_TRUE(cert.ok()) << cert.status();
    ca_ = test_support::ReadPemFile(cert->ca_file);
    test_support::RedisClusterOptions options;
    options.password = "cluster-default-Pa55";
    options.extra_config = {absl::StrCat("user mover on >", kUserPassword, " ~* &* +@all")};
    options.tls_cert_file = cert->cert_file;
    options.tls_key_file = cert->key_file;
    options.tls_ca_file = cert->ca_file;
    auto cluster = test_support::RedisCluster::Start(options);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
  }
  void TearDown() override {
    cluster_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Only the first node is given, as an instance's `addrs` would.
  std::vector<Endpoint> FirstNode() const {
    Endpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = cluster_->nodes().front()->tls_port();
    endpoint.username = "mover";
    endpoint.password = kUserPassword;
    endpoint.tls.enabled = true;
    endpoint.tls.ca_cert = ca_;
    return {endpoint};
  }

  std::string dir_;
  std::string ca_;
  std::unique_ptr<test_support::RedisCluster> cluster_;
};

TEST_F(ClusterTlsTest, DiscoveredMastersAreTheirTlsPorts) {
  auto topology = engine::topology::DiscoverTopology(FirstNode());
  ASSERT_TRUE(topology.ok()) << topology.status();
  ASSERT_TRUE(topology->cluster);
  std::set<int> tls_ports;
  for (const auto& node : cluster_->nodes()) tls_ports.insert(node->tls_port());
  ASSERT_EQ(topology->slots->masters().size(), 3u);
  for (const auto& master : topology->slots->masters()) {
    EXPECT_EQ(tls_ports.count(master.port), 1u) << master.Address();
  }
}

TEST_F(ClusterTlsTest, WriterReachesEveryMasterOverTls) {
  auto writer = engine::cluster_writer::ClusterTargetWriter::Connect(FirstNode(), {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  constexpr int kKeys = 300;  // spread over every master's slots
  for (int i = 0; i < kKeys; ++i) {
    absl::Status applied =
        (*writer)->ApplyCommand({"SET", absl::StrCat("tls:key:", i), absl::StrCat(i)});
    ASSERT_TRUE(applied.ok()) << applied;
  }
  ASSERT_TRUE((*writer)->Flush().ok());
  EXPECT_EQ((*writer)->stats().masters, 3u);
  int64_t total = 0;
  for (const auto& node : cluster_->nodes()) {
    auto size = node->Cli({"DBSIZE"});
    ASSERT_TRUE(size.ok()) << size.status();
    int64_t n = 0;
    ASSERT_TRUE(absl::SimpleAtoi(*size, &n)) << *size;
    EXPECT_GT(n, 0) << "node " << node->port() << " got no key";
    total += n;
  }
  EXPECT_EQ(total, kKeys);
}

}  // namespace
}  // namespace rms::test_cluster_writer
