// Engine e2e: a frozen PostgreSQL link of the worker that streams into a 3-master Redis Cluster
// target, with a second worker on the database. The cut-off worker must stop writing before the
// other claims the task and leave the position every master acknowledged on every master; the
// new owner fences every master, resumes exactly there (LEASE_HANDOVER), and the target ends
// equal key by key under an INCR/LPUSH/XADD load, where replaying the seconds between the last
// stored checkpoint and the stop would show.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/cluster_compare.h"
#include "tests/e2e/engine/online_env.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/sanitized_build.h"
#include "tests/support/tcp_proxy.h"

namespace rms::e2e {
namespace {

constexpr char kClusterPassword[] = "cluster-faults-secret";

class ClusterTargetFaultsTest : public OnlineE2eTest {
 protected:
  ClusterTargetFaultsTest() { fixture_workers_ = 0; }  // the fixture's migrationd serves the API
  void TearDown() override {
    if (proxy_) proxy_->SetMode(test_support::TcpProxy::Mode::kDown);  // a frozen worker stops
    worker_.reset();
    OnlineE2eTest::TearDown();
  }

  // Connections of the task's applier at `epoch` on each master of `cluster`.
  static std::vector<int> AppliersPerMaster(const test_support::RedisCluster& cluster,
                                            const std::string& id, int epoch) {
    std::vector<int> out;
    for (int i = 0; i < 3; ++i) out.push_back(Appliers(*cluster.nodes()[i], id, epoch));
    return out;
  }

  std::unique_ptr<test_support::TcpProxy> proxy_;
  std::unique_ptr<test_support::MigrationdProcess> worker_;
};

TEST_F(ClusterTargetFaultsTest, FrozenDbLinkHandsOverTheExactPositionOnEveryMaster) {
  auto proxy = test_support::TcpProxy::Start(PortOf(database_->url()));
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  proxy_ = *std::move(proxy);
  worker_ = StartExtraWorker("rms-cluster-frozen-a", WithPort(database_->url(), proxy_->port()));
  ASSERT_NE(worker_, nullptr);
  auto source = test_support::RedisServer::Start(ServerOptions(
      "cluster-frozen-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  ASSERT_TRUE(source.ok()) << source.status();
  test_support::RedisClusterOptions cluster_options;
  cluster_options.password = kClusterPassword;
  cluster_options.extra_config = {"enable-debug-command local"};
  auto cluster = test_support::RedisCluster::Start(cluster_options);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Populate(**source, 5000);
  SourceWriterOptions load;
  load.use_db3 = false;
  SourceWriter writer(**source, load);
  ASSERT_TRUE(writer.Start().ok());

  const std::string id =
      CreateAndConfigureAddrs("incremental_migration", "auto", AddrOf(**source),
                              (*source)->password(), (*cluster)->Addrs(), kClusterPassword);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING");
  std::unique_ptr<test_support::MigrationdProcess> second =
      StartExtraWorker("rms-cluster-frozen-b", database_->url());
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  EXPECT_EQ(AppliersPerMaster(**cluster, id, 1), std::vector<int>({1, 1, 1}));

  proxy_->SetMode(test_support::TcpProxy::Mode::kFrozen);
  const absl::Time frozen_at = absl::Now();
  const std::optional<LeaseMove> moved = WaitForLeaseMove(*worker_, *second, id, frozen_at);
  ASSERT_TRUE(moved.has_value());
  EXPECT_LT(moved->stopped_after, moved->claimed_after);

  ASSERT_TRUE(writer.WaitForMoreRounds(200, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  // One applier per master, the new owner's; the old owner's connections were closed.
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        return AppliersPerMaster(**cluster, id, 2) == std::vector<int>({1, 1, 1});
      },
      absl::Now() + absl::Seconds(20)))
      << second->ReadLog();
  EXPECT_EQ(AppliersPerMaster(**cluster, id, 1), std::vector<int>({0, 0, 0}));
  std::string difference;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        difference = CompareWithCluster(**source, **cluster, kClusterPassword);
        return difference.empty();
      },
      absl::Now() + absl::Seconds(60)))
      << difference << "\n"
      << second->ReadLog();
  EXPECT_EQ(CountLogs(id, "LEASE_HANDOVER"), 1) << absl::StrJoin(LogCodes(id), ",");
  proxy_->SetMode(test_support::TcpProxy::Mode::kDown);  // lets the first worker stop promptly
  worker_->Stop();
  second->Stop();
}

}  // namespace
}  // namespace rms::e2e
