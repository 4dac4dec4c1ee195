// DiscoverTopology against real servers: a cluster found through any of its nodes after an
// unreachable one, a standalone server, nothing reachable, a wrong password.
#include <gtest/gtest.h>

#include "services/engine/topology/topology.h"
#include "tests/support/redis_cluster.h"

namespace rms::engine::topology {
namespace {

constexpr char kPassword[] = "topology-secret";

redis::Endpoint Local(int port, const std::string& password = kPassword) {
  return redis::Endpoint{"127.0.0.1", port, "", password};
}

TEST(TopologyDiscoveryTest, FindsTheClusterThroughAReplicaAfterADeadNode) {
  auto cluster =
      test_support::RedisCluster::Start({/*masters=*/3, /*replicas_per_master=*/1, kPassword});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  const int dead = test_support::FreeLoopbackPort();
  auto topology = DiscoverTopology({Local(dead), Local((*cluster)->nodes().back()->port())});
  ASSERT_TRUE(topology.ok()) << topology.status();
  EXPECT_TRUE(topology->cluster);
  ASSERT_TRUE(topology->slots.has_value());
  EXPECT_EQ(topology->slots->masters().size(), 3u);
  EXPECT_EQ(topology->answered.port, (*cluster)->nodes().back()->port());
}

TEST(TopologyDiscoveryTest, StandaloneServerIsNotACluster) {
  test_support::RedisServerOptions options;
  options.password = kPassword;
  auto server = test_support::RedisServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto topology = DiscoverTopology({Local((*server)->port())});
  ASSERT_TRUE(topology.ok()) << topology.status();
  EXPECT_FALSE(topology->cluster);
  EXPECT_FALSE(topology->slots.has_value());
}

TEST(TopologyDiscoveryTest, NothingReachableNamesEveryNode) {
  const int a = test_support::FreeLoopbackPort();
  const int b = test_support::FreeLoopbackPort();
  auto topology = DiscoverTopology({Local(a), Local(b)});
  ASSERT_EQ(topology.status().code(), absl::StatusCode::kUnavailable) << topology.status();
  EXPECT_NE(topology.status().message().find(std::to_string(a)), std::string::npos);
  EXPECT_NE(topology.status().message().find(std::to_string(b)), std::string::npos);
}

TEST(TopologyDiscoveryTest, WrongPasswordIsNotRetriedElsewhere) {
  test_support::RedisServerOptions options;
  options.password = kPassword;
  auto server = test_support::RedisServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto topology = DiscoverTopology({Local((*server)->port(), "wrong")});
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kUnauthenticated) << topology.status();
  EXPECT_EQ(topology.status().message().find("wrong"), std::string::npos);  // no secret shown
}

}  // namespace
}  // namespace rms::engine::topology
