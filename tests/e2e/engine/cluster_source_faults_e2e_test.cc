// Engine e2e: a frozen PostgreSQL link of the worker that replicates a 3-master Redis Cluster
// source (three shards, three links) into a standalone target, with a second worker on the
// database. The cut-off worker stops every shard before the other claims the task and leaves each
// shard's exact position on the target; the new owner reads them all before any shard fences
// (one shard's fence closes the other shards' old connections), so every shard resumes exactly
// where it stopped and the counters end equal: a replay of the last second would double them.
// And one shard's full resync, which must delete only that shard's keys on the target.
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/engine/resp/resp.h"
#include "tests/e2e/engine/cluster_compare.h"
#include "tests/e2e/engine/cluster_source_env.h"
#include "tests/support/tcp_proxy.h"

namespace rms::e2e {
namespace {

class ClusterSourceFaultsTest : public ClusterSourceTest {
 protected:
  ClusterSourceFaultsTest() { fixture_workers_ = 0; }  // the fixture's migrationd serves the API
  void TearDown() override {
    if (proxy_) proxy_->SetMode(test_support::TcpProxy::Mode::kDown);  // a frozen worker stops
    worker_.reset();
    ClusterSourceTest::TearDown();
  }

  std::unique_ptr<test_support::TcpProxy> proxy_;
  std::unique_ptr<test_support::MigrationdProcess> worker_;
};

TEST_F(ClusterSourceFaultsTest, FrozenDbLinkHandsOverEveryShardsExactPosition) {
  auto proxy = test_support::TcpProxy::Start(PortOf(database_->url()));
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  proxy_ = *std::move(proxy);
  worker_ = StartExtraWorker("rms-shards-frozen-a", WithPort(database_->url(), proxy_->port()));
  ASSERT_NE(worker_, nullptr);
  std::unique_ptr<test_support::RedisCluster> source = StartCluster(3, 0, kSourcePassword);
  ASSERT_NE(source, nullptr);
  auto target = test_support::RedisServer::Start(ServerOptions(kTargetPassword));
  ASSERT_TRUE(target.ok()) << target.status();
  std::unique_ptr<ClusterClient> loader = Connect(*source, kSourcePassword);
  ASSERT_NE(loader, nullptr);
  absl::Status filled = FillMixed(*loader, 3000);
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
  std::unique_ptr<test_support::MigrationdProcess> second =
      StartExtraWorker("rms-shards-frozen-b", database_->url());
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();
  EXPECT_EQ(Appliers(**target, id, 1), 3);  // one per shard

  proxy_->SetMode(test_support::TcpProxy::Mode::kFrozen);
  const absl::Time frozen_at = absl::Now();
  const std::optional<LeaseMove> moved = WaitForLeaseMove(*worker_, *second, id, frozen_at);
  ASSERT_TRUE(moved.has_value());
  EXPECT_LT(moved->stopped_after, moved->claimed_after);

  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  // The new owner's three shard connections; the old owner's were closed.
  EXPECT_TRUE(test_support::WaitFor([&] { return Appliers(**target, id, 2) == 3; },
                                    absl::Now() + absl::Seconds(20)))
      << second->ReadLog();
  EXPECT_EQ(Appliers(**target, id, 1), 0);
  EXPECT_EQ(
      WaitForEqual([&] { return CompareClusterWithStandalone(*source, kSourcePassword, **target); },
                   absl::Seconds(60)),
      "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << second->ReadLog();
  EXPECT_EQ(CountersOf(**target), CountersOf(*loader));
  // Every shard took its own position (a shard whose position was not exact would resume from
  // its checkpoint and double the counters above).
  EXPECT_EQ(CountLogs(id, "LEASE_HANDOVER"), 3) << absl::StrJoin(LogCodes(id), ",");
  proxy_->SetMode(test_support::TcpProxy::Mode::kDown);  // lets the first worker stop promptly
  worker_->Stop();
  second->Stop();
}

// One master's backlog (16 KiB) no longer holds the gap after its link was killed: that shard
// alone copies a new snapshot. The target forgets only that shard's keys first (FLUSHALL would
// wipe the other shards' keys, which never come back), and everything ends equal.
TEST_F(ClusterSourceTest, OneShardsFullResyncDeletesOnlyItsKeysOnTheTarget) {
  test_support::RedisClusterOptions options;
  options.masters = 3;
  options.password = kSourcePassword;
  options.extra_config = {"enable-debug-command local", "repl-diskless-sync-delay 0",
                          "repl-backlog-size 16kb"};
  auto started_cluster = test_support::RedisCluster::Start(options);
  ASSERT_TRUE(started_cluster.ok()) << started_cluster.status();
  test_support::RedisCluster& source = **started_cluster;
  auto target = test_support::RedisServer::Start(ServerOptions(kTargetPassword));
  ASSERT_TRUE(target.ok()) << target.status();
  std::unique_ptr<ClusterClient> loader = Connect(source, kSourcePassword);
  ASSERT_NE(loader, nullptr);
  absl::Status filled = FillMixed(*loader, 3000);
  ASSERT_TRUE(filled.ok()) << filled;
  ClusterSourceWriter writer(source, kSourcePassword);
  absl::Status started = writer.Start();
  ASSERT_TRUE(started.ok()) << started;

  const std::string id =
      CreateAndConfigureAddrs("incremental_migration", "auto", source.Addrs(), kSourcePassword,
                              AddrOf(**target), kTargetPassword);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(30, absl::Seconds(20))) << writer.error();

  // Master 0's link is cut, and 2.4 MB are written into its slots before the worker is back
  // (it waits at least 0.4 s before reconnecting).
  const std::string master = Address(*source.nodes()[0]);
  const std::vector<std::string> ranges = SlotRanges(source)[master];
  ASSERT_FALSE(ranges.empty());
  int first = 0, last = 0;
  ASSERT_EQ(sscanf(ranges.front().c_str(), "%d-%d", &first, &last), 2);
  const std::string tag = TagInSlots(first, last);
  engine::redis::Endpoint node = EndpointOf(*source.nodes()[0]);
  node.password = kSourcePassword;
  auto client = engine::redis::RedisClient::Connect(node);
  ASSERT_TRUE(client.ok()) << client.status();
  std::string burst = engine::resp::EncodeCommand({"CLIENT", "KILL", "TYPE", "replica"});
  const std::string value(8192, 'v');
  for (int i = 0; i < 300; ++i) {
    burst += engine::resp::EncodeCommand({"SET", absl::StrCat("{", tag, "}:burst:", i), value});
  }
  auto replies = (*client)->Pipeline(burst, 301);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ((*replies)[0].integer, 1);

  EXPECT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "FULL_RESYNC") >= 1; },
                                    absl::Now() + absl::Seconds(30)))
      << absl::StrJoin(LogCodes(id), ",");
  ASSERT_TRUE(writer.WaitForMoreRounds(30, absl::Seconds(30))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  EXPECT_EQ(
      WaitForEqual([&] { return CompareClusterWithStandalone(source, kSourcePassword, **target); },
                   absl::Seconds(60)),
      "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << server_->ReadLog();
  EXPECT_EQ(CountersOf(**target), CountersOf(*loader));
  const std::vector<std::string> resyncs = LogMessages(id, "FULL_RESYNC");
  ASSERT_EQ(resyncs.size(), 1u) << absl::StrJoin(resyncs, " | ");
  EXPECT_TRUE(absl::StrContains(resyncs[0], absl::StrJoin(ranges, ","))) << resyncs[0];
  EXPECT_TRUE(absl::StrContains(resyncs[0], "deleting this shard's keys")) << resyncs[0];
  StopAndExpectTerminated(id);
}

}  // namespace
}  // namespace rms::e2e
