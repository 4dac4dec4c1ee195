// Engine e2e: a frozen PostgreSQL link of the worker that replicates a 3-master Redis Cluster
// source (three shards, three links) into a standalone target, with a second worker on the
// database. The cut-off worker stops every shard before the other claims the task and leaves each
// shard's exact position on the target; the new owner reads them all before any shard fences
// (one shard's fence closes the other shards' old connections), so every shard resumes exactly
// where it stopped and the counters end equal: a replay of the last second would double them.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

}  // namespace
}  // namespace rms::e2e
