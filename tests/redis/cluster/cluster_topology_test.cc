// The slot map read from a real 3-master cluster (with replicas and a password) through CLUSTER
// SHARDS and CLUSTER SLOTS: both agree, every master is found, our slot of a key is the server's
// (CLUSTER KEYSLOT), and a key written on the master the map names is accepted there without a
// redirection, while another master answers MOVED naming that master.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/redis/redis_client.h"
#include "tests/support/redis_cluster.h"

namespace rms::engine::cluster {
namespace {

constexpr char kPassword[] = "cluster-secret";

redis::Endpoint EndpointOf(const ClusterNode& node) {
  return redis::Endpoint{node.host, node.port, "", kPassword};
}

class ClusterTopologyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cluster =
        test_support::RedisCluster::Start({/*masters=*/3, /*replicas_per_master=*/1, kPassword});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    auto client = redis::RedisClient::Connect(
        redis::Endpoint{"127.0.0.1", cluster_->nodes().back()->port(), "", kPassword});
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }
  SlotMap Read(const std::string& command) {
    auto reply = client_->Command({"CLUSTER", command});
    EXPECT_TRUE(reply.ok()) << reply.status();
    auto ranges = command == "SHARDS" ? ParseClusterShards(*reply, "127.0.0.1")
                                      : ParseClusterSlots(*reply, "127.0.0.1");
    EXPECT_TRUE(ranges.ok()) << ranges.status();
    auto map = SlotMap::FromRanges(*ranges);
    EXPECT_TRUE(map.ok()) << map.status();
    return *std::move(map);
  }

  static test_support::RedisCluster* cluster_;
  std::unique_ptr<redis::RedisClient> client_;
};

test_support::RedisCluster* ClusterTopologyTest::cluster_ = nullptr;

TEST_F(ClusterTopologyTest, ShardsAndSlotsGiveTheSameMap) {
  SlotMap shards = Read("SHARDS");
  SlotMap slots = Read("SLOTS");
  ASSERT_EQ(shards.masters().size(), 3u);
  ASSERT_EQ(slots.masters().size(), 3u);
  for (int slot = 0; slot < kClusterSlots; ++slot) {
    ASSERT_EQ(shards.masters()[shards.MasterOf(slot)], slots.masters()[slots.MasterOf(slot)])
        << "slot " << slot;
  }
}

TEST_F(ClusterTopologyTest, SlotsMatchTheServerAndKeysLandOnTheirMaster) {
  SlotMap map = Read("SHARDS");
  for (int i = 0; i < 50; ++i) {
    const std::string key = i % 2 == 0 ? absl::StrCat("key:", i) : absl::StrCat("{tag", i, "}x");
    auto slot = client_->Command({"CLUSTER", "KEYSLOT", key});
    ASSERT_TRUE(slot.ok()) << slot.status();
    ASSERT_EQ(slot->integer, SlotOf(key)) << key;
    const int owner = map.MasterOfKey(key);
    auto at_owner = redis::RedisClient::Connect(EndpointOf(map.masters()[owner]));
    ASSERT_TRUE(at_owner.ok()) << at_owner.status();
    EXPECT_TRUE((*at_owner)->Command({"SET", key, "v"}).ok()) << key;
    auto elsewhere = redis::RedisClient::Connect(EndpointOf(map.masters()[(owner + 1) % 3]));
    ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
    auto moved = (*elsewhere)->Command({"SET", key, "v"});
    ASSERT_FALSE(moved.ok());
    // RedisClient prefixes the node and command; the error reply itself starts at MOVED.
    const absl::string_view message = moved.status().message();
    std::optional<Redirect> redirect = ParseRedirect(message.substr(message.find("MOVED")));
    ASSERT_TRUE(redirect.has_value()) << moved.status();
    EXPECT_EQ(redirect->slot, SlotOf(key));
    EXPECT_EQ(redirect->node, map.masters()[owner]);
  }
}

}  // namespace
}  // namespace rms::engine::cluster
