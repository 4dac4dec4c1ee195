// The harness of the cluster-source e2e tests on its own, without migrationd: the writer follows
// a source failover and a slot move, the comparisons see a copy as equal and a changed key as a
// difference, across layouts.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "services/engine/cluster/slot.h"
#include "tests/e2e/engine/cluster_client.h"
#include "tests/e2e/engine/cluster_compare.h"
#include "tests/e2e/engine/cluster_load.h"
#include "tests/support/redis_cluster.h"

namespace rms::e2e {
namespace {

constexpr char kPassword[] = "cluster-harness-secret";

std::unique_ptr<test_support::RedisCluster> StartCluster(int masters, int replicas) {
  test_support::RedisClusterOptions options;
  options.masters = masters;
  options.replicas_per_master = replicas;
  options.password = kPassword;
  options.extra_config = {"enable-debug-command local"};
  auto cluster = test_support::RedisCluster::Start(options);
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  return cluster.ok() ? *std::move(cluster) : nullptr;
}

// Copies every key of `from` with DUMP / PTTL / RESTORE through `write`.
void CopyKeys(ClusterClient& from,
              const std::function<void(const std::vector<std::string>&)>& write) {
  for (const engine::cluster::ClusterNode& master : from.slots().masters()) {
    auto client =
        engine::redis::RedisClient::Connect(EndpointAt(master.host, master.port, kPassword));
    ASSERT_TRUE(client.ok()) << client.status();
    std::string cursor = "0";
    do {
      auto page = (*client)->Command({"SCAN", cursor, "COUNT", "1000"});
      ASSERT_TRUE(page.ok()) << page.status();
      cursor = page->elements[0].str;
      for (const auto& key : page->elements[1].elements) {
        auto dump = (*client)->Command({"DUMP", key.str});
        auto ttl = (*client)->Command({"PTTL", key.str});
        ASSERT_TRUE(dump.ok() && ttl.ok());
        write({"RESTORE", key.str, absl::StrCat(std::max<int64_t>(ttl->integer, 0)), dump->str,
               "REPLACE"});
      }
    } while (cursor != "0");
  }
}

TEST(ClusterHarnessTest, WriterFollowsAFailoverAndACopyComparesEqual) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 1);
  ASSERT_NE(source, nullptr);
  auto loader = ClusterClient::Connect(*source, kPassword);
  ASSERT_TRUE(loader.ok()) << loader.status();
  ASSERT_TRUE(FillMixed(**loader, 2000).ok());
  ClusterSourceWriter writer(*source, kPassword);
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();
  auto replicas = source->ReplicasOf(0);
  ASSERT_TRUE(replicas.ok() && replicas->size() == 1) << replicas.status();
  absl::Status failover = source->Failover(replicas->front());
  ASSERT_TRUE(failover.ok()) << failover;
  EXPECT_EQ(source->MasterOf(0).value_or(-1), replicas->front());
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(30))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  std::cout << writer.acknowledged() << " writes, " << writer.retries() << " retried" << std::endl;

  test_support::RedisServerOptions copy_options;
  copy_options.password = "copy";
  auto copy = test_support::RedisServer::Start(copy_options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto target =
      engine::redis::RedisClient::Connect(EndpointAt("127.0.0.1", (*copy)->port(), "copy"));
  ASSERT_TRUE(target.ok()) << target.status();
  auto reader = ClusterClient::Connect(*source, kPassword);  // the masters after the failover
  ASSERT_TRUE(reader.ok()) << reader.status();
  CopyKeys(**reader, [&](const std::vector<std::string>& args) {
    ASSERT_TRUE((*target)->Command(absl::MakeConstSpan(args)).ok()) << args[1];
  });
  EXPECT_EQ(CompareClusterWithStandalone(*source, kPassword, **copy), "");
  const std::string counter = absl::StrCat("{", SpreadTags()[0], "}:ctr");
  ASSERT_TRUE((*target)->Command({"INCR", counter}).ok());
  EXPECT_NE(CompareClusterWithStandalone(*source, kPassword, **copy), "");
}

TEST(ClusterHarnessTest, ClustersOfDifferentLayoutsCompareKeyByKey) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 0);
  std::unique_ptr<test_support::RedisCluster> target = StartCluster(4, 0);
  ASSERT_TRUE(source != nullptr && target != nullptr);
  auto from = ClusterClient::Connect(*source, kPassword);
  auto to = ClusterClient::Connect(*target, kPassword);
  ASSERT_TRUE(from.ok() && to.ok());
  ASSERT_TRUE(FillMixed(**from, 2000).ok());
  CopyKeys(**from, [&](const std::vector<std::string>& args) {
    ASSERT_TRUE((*to)->Command(args[1], args).ok()) << args[1];
  });
  EXPECT_EQ(CompareClusters(*source, kPassword, *target, kPassword), "");
  ASSERT_TRUE((*to)->Command("key:7", {"DEL", "key:7"}).ok());
  EXPECT_NE(CompareClusters(*source, kPassword, *target, kPassword), "");
}

TEST(ClusterHarnessTest, WriterFollowsASlotMovedBetweenMasters) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 0);
  ASSERT_NE(source, nullptr);
  auto client = ClusterClient::Connect(*source, kPassword);
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string tag = TagInSlots(100, 5000);  // master 0's slots (0-5460)
  const int slot = engine::cluster::SlotOf(tag);
  for (int i = 0; i < 50; ++i) {
    const std::string key = absl::StrCat("{", tag, "}:key:", i);
    ASSERT_TRUE((*client)->Command(key, {"SET", key, "x"}).ok());
  }
  ClusterLoadOptions load;
  load.tags = {tag};
  load.multi_key = false;
  ClusterSourceWriter writer(*source, kPassword, load);
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.WaitForMoreRounds(30, absl::Seconds(20))) << writer.error();
  const std::string keys =
      source->nodes()[0]->Cli({"CLUSTER", "COUNTKEYSINSLOT", absl::StrCat(slot)}).value_or("?");
  EXPECT_EQ(keys, "53");
  absl::Status moved = source->MoveSlot(slot, 0, 1);
  ASSERT_TRUE(moved.ok()) << moved;
  ASSERT_TRUE(writer.WaitForMoreRounds(30, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  EXPECT_EQ(
      source->nodes()[1]->Cli({"CLUSTER", "COUNTKEYSINSLOT", absl::StrCat(slot)}).value_or("?"),
      keys);
  EXPECT_EQ(
      source->nodes()[0]->Cli({"CLUSTER", "COUNTKEYSINSLOT", absl::StrCat(slot)}).value_or("?"),
      "0");
  const int64_t rounds = writer.rounds();
  EXPECT_EQ((*client)
                ->Command(absl::StrCat("{", tag, "}:ctr"), {"GET", absl::StrCat("{", tag, "}:ctr")})
                ->str,
            absl::StrCat(rounds));
}

}  // namespace
}  // namespace rms::e2e
