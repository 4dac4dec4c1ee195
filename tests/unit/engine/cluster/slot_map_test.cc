// The slot map from CLUSTER SLOTS and CLUSTER SHARDS replies, and MOVED/ASK redirections.
#include "services/engine/cluster/slot_map.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/cluster/resp_builders.h"

namespace rms::engine::cluster {
namespace {

using resp::RespValue;

RespValue SlotsReply() {
  return Arr({Arr({Int(0), Int(5460), Arr({Str("127.0.0.1"), Int(7000), Str("id-a")}),
                   Arr({Str("127.0.0.1"), Int(7003), Str("id-d")})}),
              Arr({Int(5461), Int(10922), Arr({Str(""), Int(7001), Str("id-b")})}),
              Arr({Int(10923), Int(16383), Arr({Str("127.0.0.1"), Int(7002), Str("id-c")})})});
}

RespValue ShardNode(const std::string& id, int port, const std::string& role,
                    const std::string& health = "online") {
  return Arr({Str("id"), Str(id), Str("port"), Int(port), Str("ip"), Str("127.0.0.1"),
              Str("endpoint"), Str("127.0.0.1"), Str("role"), Str(role), Str("replication-offset"),
              Int(100), Str("health"), Str(health)});
}

TEST(SlotMapTest, ParsesClusterSlots) {
  auto ranges = ParseClusterSlots(SlotsReply(), "10.0.0.9");
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  ASSERT_EQ(ranges->size(), 3u);
  EXPECT_EQ((*ranges)[0].master.Address(), "127.0.0.1:7000");
  EXPECT_EQ((*ranges)[0].master.id, "id-a");
  ASSERT_EQ((*ranges)[0].replicas.size(), 1u);
  EXPECT_EQ((*ranges)[0].replicas[0].port, 7003);
  EXPECT_EQ((*ranges)[1].master.host, "10.0.0.9");  // an empty host: the address asked
  auto map = SlotMap::FromRanges(*ranges);
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_EQ(map->masters().size(), 3u);
  EXPECT_EQ(map->masters()[map->MasterOf(0)].port, 7000);
  EXPECT_EQ(map->masters()[map->MasterOf(5461)].port, 7001);
  EXPECT_EQ(map->masters()[map->MasterOfKey("foo")].port, 7002);  // slot 12182
}

TEST(SlotMapTest, ParsesClusterShardsAndSkipsNodesNotOnline) {
  RespValue reply =
      Arr({Arr({Str("slots"), Arr({Int(0), Int(100), Int(200), Int(16383)}), Str("nodes"),
                Arr({ShardNode("a", 7000, "master"), ShardNode("d", 7003, "replica", "loading")})}),
           Arr({Str("slots"), Arr({Int(101), Int(199)}), Str("nodes"),
                Arr({ShardNode("b", 7001, "replica"), ShardNode("e", 7004, "master")})})});
  auto ranges = ParseClusterShards(reply, "");
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  ASSERT_EQ(ranges->size(), 3u);
  EXPECT_TRUE((*ranges)[0].replicas.empty());  // the loading replica is left out
  EXPECT_EQ((*ranges)[2].master.port, 7004);
  ASSERT_EQ((*ranges)[2].replicas.size(), 1u);
  auto map = SlotMap::FromRanges(*ranges);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->masters().size(), 2u);
  EXPECT_EQ(map->masters()[map->MasterOf(150)].port, 7004);
  EXPECT_EQ(map->masters()[map->MasterOf(16383)].port, 7000);
}

TEST(SlotMapTest, ClusterShardsOverTlsUseTheTlsPort) {
  RespValue node = ShardNode("a", 7000, "master");
  node.elements.push_back(Str("tls-port"));
  node.elements.push_back(Int(17000));
  RespValue reply =
      Arr({Arr({Str("slots"), Arr({Int(0), Int(16383)}), Str("nodes"), Arr({node})})});
  auto plain = ParseClusterShards(reply, "");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ((*plain)[0].master.port, 7000);
  auto tls = ParseClusterShards(reply, "", /*tls=*/true);
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ((*tls)[0].master.port, 17000);
  // A node without a TLS port keeps its port.
  auto without = ParseClusterShards(Arr({Arr({Str("slots"), Arr({Int(0), Int(16383)}), Str("nodes"),
                                              Arr({ShardNode("a", 7000, "master")})})}),
                                    "", /*tls=*/true);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ((*without)[0].master.port, 7000);
}

TEST(SlotMapTest, UncoveredSlotIsNamed) {
  auto ranges =
      ParseClusterSlots(Arr({Arr({Int(0), Int(99), Arr({Str("127.0.0.1"), Int(7000)})})}), "");
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  auto map = SlotMap::FromRanges(*ranges);
  ASSERT_EQ(map.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(map.status().message().find("slot 100"), std::string::npos) << map.status();
}

TEST(SlotMapTest, MalformedRepliesAreDataLoss) {
  EXPECT_EQ(ParseClusterSlots(Str("x"), "").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      ParseClusterSlots(Arr({Arr({Int(5), Int(2), Arr({Str("h"), Int(1)})})}), "").status().code(),
      absl::StatusCode::kDataLoss);  // first > last
  EXPECT_EQ(ParseClusterSlots(Arr({Arr({Int(0), Int(16384), Arr({Str("h"), Int(1)})})}), "")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);  // past the last slot
  EXPECT_EQ(ParseClusterShards(Arr({Arr({Str("slots"), Arr({Int(0)}), Str("nodes"), Arr({})})}), "")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);  // an odd slot list
}

TEST(SlotMapTest, RedirectionsAreParsed) {
  auto moved = ParseRedirect("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->kind, Redirect::Kind::kMoved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->node.Address(), "127.0.0.1:6381");
  auto ask = ParseRedirect("ASK 12182 ::1:7002");
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, Redirect::Kind::kAsk);
  EXPECT_EQ(ask->node.host, "::1");
  EXPECT_FALSE(ParseRedirect("WRONGTYPE Operation against a key").has_value());
  EXPECT_FALSE(ParseRedirect("MOVED 99999 127.0.0.1:1").has_value());
  EXPECT_FALSE(ParseRedirect("MOVED 1 nohostport").has_value());
}

TEST(SlotMapTest, MovedSlotsFollowTheirNewMaster) {
  auto map = SlotMap::FromRanges(*ParseClusterSlots(SlotsReply(), ""));
  ASSERT_TRUE(map.ok());
  const int index = map->Move(0, ClusterNode{"127.0.0.1", 7009, ""});
  EXPECT_EQ(index, 3);
  EXPECT_EQ(map->MasterOf(0), 3);
  EXPECT_EQ(map->MasterOf(1), 0);
  EXPECT_EQ(map->Move(1, ClusterNode{"127.0.0.1", 7009, ""}), 3);  // known node: same index
}

}  // namespace
}  // namespace rms::engine::cluster
