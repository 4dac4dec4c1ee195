// A cluster source's shards against a real 3-master cluster: a shard's master is found again
// through any node, a slot given to another master is named, and a shard's full resync deletes
// only the keys of its slots on the target.
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/cluster/slot.h"
#include "services/engine/resp/resp.h"
#include "services/worker/peer_layout.h"
#include "services/worker/shard_keys_delete.h"
#include "services/worker/source_shards.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace rms::worker {
namespace {

using engine::redis::Endpoint;

constexpr char kPassword[] = "shards-secret";

Endpoint NodeOf(const test_support::RedisServer& server) {
  Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = server.port();
  endpoint.password = kPassword;
  return endpoint;
}

std::unique_ptr<test_support::RedisCluster> StartCluster() {
  test_support::RedisClusterOptions options;
  options.masters = 3;
  options.password = kPassword;
  auto cluster = test_support::RedisCluster::Start(options);
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  return cluster.ok() ? *std::move(cluster) : nullptr;
}

std::vector<SourceShard> Shards(const test_support::RedisCluster& cluster) {
  absl::StatusOr<engine::topology::Topology> topology = DiscoverPeer({NodeOf(*cluster.nodes()[0])});
  EXPECT_TRUE(topology.ok() && topology->cluster) << topology.status();
  if (!topology.ok() || !topology->cluster) return {};
  return ShardsOf(*topology->slots, NodeOf(*cluster.nodes()[0]));
}

TEST(SourceShardsRedisTest, AShardsMasterIsFoundAgainAndAMovedSlotIsNamed) {
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  std::vector<SourceShard> shards = Shards(*cluster);
  ASSERT_EQ(shards.size(), 3u);
  // Through the last node only.
  const std::vector<Endpoint> last = {NodeOf(*cluster->nodes()[2])};
  for (const SourceShard& shard : shards) {
    absl::StatusOr<Endpoint> master = FindShardMaster(last, shard);
    ASSERT_TRUE(master.ok()) << master.status();
    EXPECT_EQ(master->port, shard.master.port);
    EXPECT_EQ(master->password, kPassword);
  }
  // Slot 0 (first shard's) is given to the second master on every node.
  const std::string id = cluster->nodes()[1]->Cli({"CLUSTER", "MYID"}).value_or("");
  ASSERT_FALSE(id.empty());
  for (const auto& node : cluster->nodes()) {
    EXPECT_EQ(node->Cli({"CLUSTER", "SETSLOT", "0", "NODE", id}).value_or(""), "OK");
  }
  const SourceShard& first = shards[0].owned[0]   ? shards[0]
                             : shards[1].owned[0] ? shards[1]
                                                  : shards[2];
  ASSERT_TRUE(first.owned[0]);
  absl::StatusOr<Endpoint> moved = FindShardMaster(last, first);
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kFailedPrecondition) << moved.status();
  EXPECT_NE(moved.status().message().find("slot 0 "), std::string::npos) << moved.status();
  EXPECT_EQ(moved.status().message().find(kPassword), std::string::npos);
}

TEST(SourceShardsRedisTest, AShardsKeysAreDeletedOnTheTargetAndNoOthers) {
  test_support::RedisServerOptions options;
  options.password = kPassword;
  auto target = test_support::RedisServer::Start(options);
  ASSERT_TRUE(target.ok()) << target.status();
  SlotSet owned;
  for (int slot = 0; slot <= 5460; ++slot) owned.set(slot);
  int in_shard = 0;
  std::set<std::string> kept;
  auto client = engine::redis::RedisClient::Connect(NodeOf(**target));
  ASSERT_TRUE(client.ok()) << client.status();
  std::string pipeline;
  for (int i = 0; i < 3000; ++i) {  // several SCAN pages
    const std::string key = absl::StrCat("key:", i);
    pipeline += engine::resp::EncodeCommand({"SET", key, "v"});
    if (owned[engine::cluster::SlotOf(key)]) {
      ++in_shard;
    } else {
      kept.insert(key);
    }
  }
  ASSERT_TRUE((*client)->Pipeline(pipeline, 3000).ok());
  ASSERT_GT(in_shard, 500);
  TaskContext context;
  absl::StatusOr<uint64_t> deleted = DeleteShardKeys({NodeOf(**target)}, owned, context);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, static_cast<uint64_t>(in_shard));
  EXPECT_EQ((*target)->Cli({"DBSIZE"}).value_or("?"), absl::StrCat(kept.size()));
  EXPECT_EQ((*target)->Cli({"EXISTS", *kept.begin()}).value_or("?"), "1");
}

}  // namespace
}  // namespace rms::worker
