// Engine e2e: migrations from a Redis Cluster source with several masters: one replication
// reader per source master (shard), each resuming its own link by partial resync, following its
// master's failover to a replica, into a standalone or a cluster target of another layout; a
// slot moved between source masters fails the task naming the slot.
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/engine/cluster/slot.h"
#include "tests/e2e/engine/cluster_compare.h"
#include "tests/e2e/engine/cluster_source_env.h"

namespace rms::e2e {
namespace {

// Acceptance: a 3-master source into a standalone target under a live writer of every kind
// (counters, same-tag MSET/DEL and MULTI/EXEC, streams with a consumer group), each master's
// link killed once: every shard resumes by partial resync, the target ends equal key by key.
TEST_F(ClusterSourceTest, ClusterToStandaloneFullAndIncrementalWithEachMasterLinkKilledOnce) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 0, kSourcePassword);
  ASSERT_NE(source, nullptr);
  auto target = test_support::RedisServer::Start(ServerOptions(kTargetPassword));
  ASSERT_TRUE(target.ok()) << target.status();
  std::unique_ptr<ClusterClient> loader = Connect(*source, kSourcePassword);
  ASSERT_NE(loader, nullptr);
  absl::Status filled = FillMixed(*loader, 10000);
  ASSERT_TRUE(filled.ok()) << filled;
  ClusterSourceWriter writer(*source, kSourcePassword);
  absl::Status started = writer.Start();
  ASSERT_TRUE(started.ok()) << started;

  const std::string id =
      CreateAndConfigureAddrs("incremental_migration", "auto", source->Addrs(), kSourcePassword,
                              AddrOf(**target), kTargetPassword);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();
  KillEachMasterLinkOnce(id, *source, writer);
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  EXPECT_EQ(
      WaitForEqual([&] { return CompareClusterWithStandalone(*source, kSourcePassword, **target); },
                   absl::Seconds(60)),
      "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << server_->ReadLog();
  EXPECT_EQ(CountersOf(**target), CountersOf(*loader));
  ExpectEachShardResumed(id, *source);
  std::cout << writer.acknowledged() << " writes acknowledged, " << writer.retries()
            << " retried\n";
  // Verifying a cluster source of several masters is not built yet: said plainly, not misreported.
  auto verify = rest_->Send("POST", P("/migration-task/" + id + "/verify"), "{}");
  ASSERT_EQ(verify.status, 200) << verify.body;
  const std::string verification = verify.json.value("verification_id", "");
  Json report;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        auto reply =
            rest_->Send("GET", P("/migration-task/" + id + "/verifications/" + verification));
        if (reply.status == 200) report = reply.json;
        return report.value("status", "") == "FAILED" || report.value("status", "") == "DONE";
      },
      absl::Now() + absl::Seconds(30)))
      << report.dump();
  EXPECT_EQ(report.value("status", ""), "FAILED") << report.dump();
  EXPECT_TRUE(absl::StrContains(report.dump(), "not supported yet")) << report.dump();
  StopAndExpectTerminated(id);
}

// The same load and link kills into a cluster target of another layout (4 masters): each key
// moves to the master of its slot on the target.
TEST_F(ClusterSourceTest, ClusterToClusterWithADifferentNumberOfMasters) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 0, kSourcePassword);
  ASSERT_NE(source, nullptr);
  std::unique_ptr<test_support::RedisCluster> target = StartCluster(4, 0, kTargetPassword);
  ASSERT_NE(target, nullptr);
  std::unique_ptr<ClusterClient> loader = Connect(*source, kSourcePassword);
  ASSERT_NE(loader, nullptr);
  absl::Status filled = FillMixed(*loader, 10000);
  ASSERT_TRUE(filled.ok()) << filled;
  ClusterSourceWriter writer(*source, kSourcePassword);
  absl::Status started = writer.Start();
  ASSERT_TRUE(started.ok()) << started;

  const std::string id = CreateAndConfigureAddrs("incremental_migration", "auto", source->Addrs(),
                                                 kSourcePassword, target->Addrs(), kTargetPassword);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();
  KillEachMasterLinkOnce(id, *source, writer);
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  EXPECT_EQ(WaitForEqual(
                [&] { return CompareClusters(*source, kSourcePassword, *target, kTargetPassword); },
                absl::Seconds(60)),
            "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << server_->ReadLog();
  std::unique_ptr<ClusterClient> target_client = Connect(*target, kTargetPassword);
  ASSERT_NE(target_client, nullptr);
  EXPECT_EQ(CountersOf(*target_client), CountersOf(*loader));
  // Every target master received a share of the keys.
  for (int i = 0; i < 4; ++i) {
    EXPECT_GT(std::stoll(target->nodes()[i]->Cli({"DBSIZE"}).value_or("0")), 1000) << i;
  }
  ExpectEachShardResumed(id, *source);
  StopAndExpectTerminated(id);
}

// Acceptance 3: a source master fails over to its replica (CLUSTER FAILOVER on the replica)
// during incremental migration: that shard follows the new master and continues by partial
// resync (PSYNC with the old replid), the others go on; nothing is lost or doubled.
TEST_F(ClusterSourceTest, SourceMasterFailoverResumesThatShardByPartialResync) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 1, kSourcePassword);
  ASSERT_NE(source, nullptr);
  auto target = test_support::RedisServer::Start(ServerOptions(kTargetPassword));
  ASSERT_TRUE(target.ok()) << target.status();
  std::unique_ptr<ClusterClient> loader = Connect(*source, kSourcePassword);
  ASSERT_NE(loader, nullptr);
  absl::Status filled = FillMixed(*loader, 5000);
  ASSERT_TRUE(filled.ok()) << filled;
  ClusterLoadOptions load;
  load.multi_key = false;  // INCR and LPUSH counters
  ClusterSourceWriter writer(*source, kSourcePassword, load);
  absl::Status started = writer.Start();
  ASSERT_TRUE(started.ok()) << started;

  const std::string id =
      CreateAndConfigureAddrs("incremental_migration", "auto", source->Addrs(), kSourcePassword,
                              AddrOf(**target), kTargetPassword);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();

  auto replicas = source->ReplicasOf(0);
  ASSERT_TRUE(replicas.ok() && replicas->size() == 1) << replicas.status();
  const int replica = replicas->front();
  const std::string old_master = Address(*source->nodes()[0]);
  const std::string new_master = Address(*source->nodes()[replica]);
  const std::vector<std::string> shard = SlotRanges(*source)[old_master];
  const int resumed_before = CountLogs(id, "PARTIAL_RESYNC");
  absl::Status failover = source->Failover(replica);
  ASSERT_TRUE(failover.ok()) << failover;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        return CountLogs(id, "SOURCE_FAILOVER") >= 1 &&
               CountLogs(id, "PARTIAL_RESYNC") > resumed_before;
      },
      absl::Now() + absl::Seconds(30)))
      << absl::StrJoin(LogCodes(id), ",");
  const std::vector<std::string> failovers = LogMessages(id, "SOURCE_FAILOVER");
  ASSERT_EQ(failovers.size(), 1u) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_TRUE(absl::StrContains(failovers[0], old_master)) << failovers[0];
  EXPECT_TRUE(absl::StrContains(failovers[0], new_master)) << failovers[0];
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  EXPECT_EQ(
      WaitForEqual([&] { return CompareClusterWithStandalone(*source, kSourcePassword, **target); },
                   absl::Seconds(60)),
      "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << server_->ReadLog();
  EXPECT_EQ(CountersOf(**target), CountersOf(*loader));
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");
  // The shard's stats name the new master.
  Json stats;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        stats = Stats(id);
        for (const Json& entry : stats.value("shards", Json::array())) {
          if (entry.value("slots", "") == absl::StrJoin(shard, ",")) {
            return entry.value("node", "") == new_master;
          }
        }
        return false;
      },
      absl::Now() + absl::Seconds(10)))
      << stats.dump();
  std::cout << writer.acknowledged() << " writes acknowledged, " << writer.retries()
            << " retried across the failover\n";
  StopAndExpectTerminated(id);
}

// A slot that moves between source masters (SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE)
// during incremental migration would leave its later writes on a shard the task does not read
// for it: the task fails naming the slot instead of losing them silently.
TEST_F(ClusterSourceTest, ASlotMovedBetweenSourceMastersFailsTheTaskNamingTheSlot) {
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 0, kSourcePassword);
  ASSERT_NE(source, nullptr);
  auto target = test_support::RedisServer::Start(ServerOptions(kTargetPassword));
  ASSERT_TRUE(target.ok()) << target.status();
  std::unique_ptr<ClusterClient> loader = Connect(*source, kSourcePassword);
  ASSERT_NE(loader, nullptr);
  absl::Status filled = FillMixed(*loader, 2000);
  ASSERT_TRUE(filled.ok()) << filled;
  const std::vector<std::string> first_range =
      absl::StrSplit(SlotRanges(*source)[Address(*source->nodes()[0])].at(0), '-');
  const std::string tag = TagInSlots(std::stoi(first_range[0]), std::stoi(first_range[1]));
  const int slot = engine::cluster::SlotOf(tag);
  std::vector<RoutedCommand> in_slot;
  for (int i = 0; i < 50; ++i) {
    const std::string key = absl::StrCat("{", tag, "}:key:", i);
    in_slot.push_back({key, {"SET", key, absl::StrCat(i)}});
  }
  absl::Status loaded = loader->Load(in_slot);
  ASSERT_TRUE(loaded.ok()) << loaded;
  ClusterLoadOptions load;
  load.tags = {tag};
  load.multi_key = false;
  ClusterSourceWriter writer(*source, kSourcePassword, load);
  absl::Status started = writer.Start();
  ASSERT_TRUE(started.ok()) << started;

  const std::string id =
      CreateAndConfigureAddrs("incremental_migration", "auto", source->Addrs(), kSourcePassword,
                              AddrOf(**target), kTargetPassword);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(30, absl::Seconds(20))) << writer.error();
  const std::string keys_in_slot =
      source->nodes()[0]->Cli({"CLUSTER", "COUNTKEYSINSLOT", absl::StrCat(slot)}).value_or("?");
  absl::Status moved = source->MoveSlot(slot, 0, 1);
  ASSERT_TRUE(moved.ok()) << moved;
  ASSERT_TRUE(writer.WaitForMoreRounds(30, absl::Seconds(20))) << writer.error();

  Json task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "MIGRATION_FAILED") << task.dump();
  const std::vector<std::string> refusals = LogMessages(id, "SOURCE_SLOT_MOVED");
  ASSERT_FALSE(refusals.empty()) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_TRUE(absl::StrContains(refusals[0], absl::StrCat("slot ", slot))) << refusals[0];
  EXPECT_TRUE(absl::StrContains(task.value("error_message", ""), absl::StrCat("slot ", slot)))
      << task.dump();
  EXPECT_TRUE(writer.Stop().ok()) << writer.error();  // the writer followed the slot (ASK, MOVED)
  // Every key of the slot moved with it (the writer adds no key after its first round).
  EXPECT_EQ(
      source->nodes()[1]->Cli({"CLUSTER", "COUNTKEYSINSLOT", absl::StrCat(slot)}).value_or("?"),
      keys_in_slot);
}

}  // namespace
}  // namespace rms::e2e
