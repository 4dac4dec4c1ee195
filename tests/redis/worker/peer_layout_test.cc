// PeerLayout against real servers: a standalone node, a 3-master cluster reached through any of
// its nodes, a one-master cluster as a source, and the refusals (several addrs naming a
// standalone server, a source cluster with several masters, nothing answering).
#include "services/worker/peer_layout.h"

#include "gtest/gtest.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace rms::worker {
namespace {

using engine::redis::Endpoint;

constexpr char kPassword[] = "layout-secret";

test_support::RedisServerOptions Options() {
  test_support::RedisServerOptions options;
  options.password = kPassword;
  return options;
}

Endpoint NodeOf(const test_support::RedisServer& server) {
  return Endpoint{"127.0.0.1", server.port(), "", kPassword};
}

std::unique_ptr<test_support::RedisCluster> StartCluster(int masters) {
  test_support::RedisClusterOptions options;
  options.masters = masters;
  options.password = kPassword;
  auto cluster = test_support::RedisCluster::Start(options);
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  return cluster.ok() ? *std::move(cluster) : nullptr;
}

TEST(PeerLayoutTest, AStandaloneServerIsItsOwnNode) {
  auto server = test_support::RedisServer::Start(Options());
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<TargetLayout> target = ResolveTarget({NodeOf(**server)});
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_FALSE(target->cluster);
  ASSERT_EQ(target->masters.size(), 1u);
  EXPECT_EQ(target->masters[0].port, (*server)->port());
  absl::StatusOr<Endpoint> source = ResolveSourceNode({NodeOf(**server)});
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(source->port, (*server)->port());
  EXPECT_EQ(source->password, kPassword);
}

TEST(PeerLayoutTest, SeveralAddrsOfAStandaloneServerAreRefused) {
  auto a = test_support::RedisServer::Start(Options());
  auto b = test_support::RedisServer::Start(Options());
  ASSERT_TRUE(a.ok() && b.ok());
  absl::StatusOr<TargetLayout> target = ResolveTarget({NodeOf(**a), NodeOf(**b)});
  EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(target.status().message().find("standalone"), std::string::npos) << target.status();
  EXPECT_EQ(ResolveSourceNode({NodeOf(**a), NodeOf(**b)}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PeerLayoutTest, AClusterTargetIsFoundThroughAnyNodeWithEveryMaster) {
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster(3);
  ASSERT_NE(cluster, nullptr);
  // The last node only (the first node given that answers is asked).
  absl::StatusOr<TargetLayout> target = ResolveTarget({NodeOf(*cluster->nodes()[2])});
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_TRUE(target->cluster);
  ASSERT_EQ(target->masters.size(), 3u);
  for (const Endpoint& master : target->masters) EXPECT_EQ(master.password, kPassword);
  // A cluster source with several masters is refused, naming their number.
  absl::StatusOr<Endpoint> source = ResolveSourceNode({NodeOf(*cluster->nodes()[0])});
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(source.status().message().find("3 masters"), std::string::npos) << source.status();
  EXPECT_EQ(source.status().message().find(kPassword), std::string::npos);
}

TEST(PeerLayoutTest, AOneMasterClusterSourceIsReplicatedFromItsMaster) {
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster(1);
  ASSERT_NE(cluster, nullptr);
  absl::StatusOr<Endpoint> source = ResolveSourceNode({NodeOf(*cluster->nodes()[0])});
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(source->port, cluster->nodes()[0]->port());
  EXPECT_EQ(source->password, kPassword);
}

TEST(PeerLayoutTest, NoNodeAnsweringIsUnavailable) {
  // A port nothing listens on: a server started and stopped.
  auto server = test_support::RedisServer::Start(Options());
  ASSERT_TRUE(server.ok()) << server.status();
  const Endpoint gone = NodeOf(**server);
  server->reset();
  EXPECT_EQ(ResolveTarget({gone}).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rms::worker
