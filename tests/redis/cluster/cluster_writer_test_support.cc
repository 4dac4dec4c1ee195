// Helpers for the ClusterTargetWriter tests.
#include "tests/redis/cluster/cluster_writer_test_support.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/topology/topology.h"

namespace rms::test_cluster_writer {

using engine::redis::Endpoint;
using engine::redis::RedisClient;

absl::StatusOr<std::unique_ptr<test_support::RedisCluster>> StartCluster() {
  test_support::RedisClusterOptions options;
  options.masters = 3;
  options.replicas_per_master = 0;
  options.password = kClusterPassword;
  return test_support::RedisCluster::Start(options);
}

std::vector<Endpoint> EndpointsOf(const test_support::RedisCluster& cluster) {
  std::vector<Endpoint> out;
  for (const auto& node : cluster.nodes()) {
    out.push_back(Endpoint{"127.0.0.1", node->port(), "", kClusterPassword});
  }
  return out;
}

absl::StatusOr<std::unique_ptr<engine::cluster_writer::ClusterTargetWriter>> ConnectWriter(
    const test_support::RedisCluster& cluster, engine::writer::TargetWriterOptions options) {
  return engine::cluster_writer::ClusterTargetWriter::Connect(EndpointsOf(cluster), options);
}

absl::StatusOr<std::unique_ptr<RedisClient>> ConnectTo(const engine::cluster::ClusterNode& node) {
  return RedisClient::Connect(Endpoint{node.host, node.port, "", kClusterPassword});
}

absl::StatusOr<engine::cluster::SlotMap> CurrentSlots(const test_support::RedisCluster& cluster) {
  ASSIGN_OR_RETURN(engine::topology::Topology topology,
                   engine::topology::DiscoverTopology(EndpointsOf(cluster)));
  if (!topology.slots.has_value()) return absl::FailedPreconditionError("not a cluster");
  return *std::move(topology.slots);
}

absl::StatusOr<std::string> KeyState(RedisClient& client, const std::string& key) {
  ASSIGN_OR_RETURN(engine::resp::RespValue type, client.Command({"TYPE", key}));
  ASSIGN_OR_RETURN(engine::resp::RespValue digest, client.Command({"DEBUG", "DIGEST-VALUE", key}));
  ASSIGN_OR_RETURN(engine::resp::RespValue expire, client.Command({"PEXPIRETIME", key}));
  const std::string value = digest.elements.empty() ? "" : digest.elements[0].str;
  return absl::StrCat(type.str, " ", value, " ", expire.integer);
}

absl::StatusOr<int64_t> TotalKeys(const engine::cluster::SlotMap& slots) {
  int64_t total = 0;
  for (const engine::cluster::ClusterNode& master : slots.masters()) {
    ASSIGN_OR_RETURN(std::unique_ptr<RedisClient> client, ConnectTo(master));
    ASSIGN_OR_RETURN(engine::resp::RespValue size, client->Command({"DBSIZE"}));
    total += size.integer;
  }
  return total;
}

test_support::RedisCluster* SharedClusterTest::cluster_ = nullptr;

void SharedClusterTest::SetUpTestSuite() {
  auto cluster = StartCluster();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  cluster_ = cluster->release();
}

void SharedClusterTest::TearDownTestSuite() {
  delete cluster_;
  cluster_ = nullptr;
}

}  // namespace rms::test_cluster_writer
