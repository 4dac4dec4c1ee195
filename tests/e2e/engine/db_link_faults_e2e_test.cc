// Engine e2e: faults of a worker's link to PostgreSQL (through a loopback proxy).
// A short outage (every connection cut and refused for a few seconds, as in a restart) must not
// disturb a task in either resume mode: same worker, same epoch, equal datasets under an
// INCR/LPUSH/XADD load.
// A frozen link (the proxy keeps the sockets open but passes nothing), with a second worker on
// the database: the cut-off worker must stop applying before the other can claim the task, hand
// the position the target acknowledged over through the target (its checkpoints no longer reach
// the database), and the new owner must resume exactly there and close the old owner's target
// connections. The load is INCR, LPUSH, XADD...: replaying the seconds between the last stored
// checkpoint and the stop would change the digest.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"
#include "tests/support/sanitized_build.h"
#include "tests/support/tcp_proxy.h"

namespace rms::e2e {
namespace {

class DbLinkFaultsTest : public OnlineE2eTest {
 protected:
  DbLinkFaultsTest() { fixture_workers_ = 0; }  // the fixture's migrationd serves the API only
  void TearDown() override {
    if (proxy_) proxy_->SetMode(test_support::TcpProxy::Mode::kDown);  // a frozen worker stops
    worker_.reset();
    OnlineE2eTest::TearDown();
  }

  // A proxy to the database, a worker behind it (`worker_`), and a source (5000 keys, a backlog
  // that covers the test) and a target.
  void StartBehindProxy(const std::string& name) {
    auto proxy = test_support::TcpProxy::Start(PortOf(database_->url()));
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = *std::move(proxy);
    worker_ = StartExtraWorker("rms-" + name, WithPort(database_->url(), proxy_->port()));
    ASSERT_NE(worker_, nullptr);
    auto source = test_support::RedisServer::Start(
        ServerOptions(name + "-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
    auto target = test_support::RedisServer::Start(ServerOptions(name + "-target"));
    ASSERT_TRUE(source.ok() && target.ok());
    source_ = *std::move(source);
    target_ = *std::move(target);
    Populate(*source_, 5000);
  }
  // A task in `resume_mode` on a worker behind a proxy; the link is cut for `outage` under load.
  void RunThroughOutage(const std::string& resume_mode, absl::Duration outage);

  std::unique_ptr<test_support::TcpProxy> proxy_;
  std::unique_ptr<test_support::MigrationdProcess> worker_;
  std::unique_ptr<test_support::RedisServer> source_;
  std::unique_ptr<test_support::RedisServer> target_;
};

void DbLinkFaultsTest::RunThroughOutage(const std::string& resume_mode, absl::Duration outage) {
  ASSERT_NO_FATAL_FAILURE(StartBehindProxy("outage"));
  test_support::MigrationdProcess* worker = worker_.get();
  test_support::TcpProxy* proxy = proxy_.get();
  test_support::RedisServer* source = source_.get();
  test_support::RedisServer* target = target_.get();
  SourceWriter writer(*source);  // INCR, LPUSH, XADD...: a double apply shows in the digest
  ASSERT_TRUE(writer.Start().ok());
  const std::string id = CreateAndConfigure("incremental_migration", resume_mode, *source, *target);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING");
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  proxy->SetMode(test_support::TcpProxy::Mode::kDown);
  absl::SleepFor(outage);  // the length of the outage, not a wait for a condition
  proxy->SetMode(test_support::TcpProxy::Mode::kForward);
  ASSERT_TRUE(writer.WaitForMoreRounds(200, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  EXPECT_EQ(WaitForCaughtUp(id, *source, *target, absl::Seconds(40)), "") << worker->ReadLog();
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(5));
  EXPECT_EQ(task["status"], "INCRMIGEATING") << worker->ReadLog();
  EXPECT_EQ(CountLogs(id, "LEASE_TAKEOVER"), 0) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(Appliers(*target, id, 1), 1);  // still the first epoch's connection
  worker->Stop();
}

TEST_F(DbLinkFaultsTest, ShortOutageInAutoModeLeavesTheTaskAlone) {
  RunThroughOutage("auto", absl::Seconds(3));
}

TEST_F(DbLinkFaultsTest, ShortOutageInManualModeLeavesTheTaskAlone) {
  RunThroughOutage("manual", absl::Seconds(3));
}

TEST_F(DbLinkFaultsTest, FrozenLinkStopsTheWorkerBeforeTheTakeover) {
  ASSERT_NO_FATAL_FAILURE(StartBehindProxy("frozen"));
  test_support::MigrationdProcess* first = worker_.get();
  test_support::TcpProxy* proxy = proxy_.get();
  test_support::RedisServer* source = source_.get();
  test_support::RedisServer* target = target_.get();
  SourceWriter writer(*source);  // INCR, LPUSH, XADD...: a double apply shows in the digest
  ASSERT_TRUE(writer.Start().ok());
  const std::string id = CreateAndConfigure("incremental_migration", "auto", *source, *target);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING");
  std::unique_ptr<test_support::MigrationdProcess> second =
      StartExtraWorker("rms-frozen-b", database_->url());
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  EXPECT_EQ(Appliers(*target, id, 1), 1);

  proxy->SetMode(test_support::TcpProxy::Mode::kFrozen);
  const absl::Time frozen_at = absl::Now();
  const std::optional<LeaseMove> moved = WaitForLeaseMove(*first, *second, id, frozen_at);
  ASSERT_TRUE(moved.has_value());
  EXPECT_LT(moved->stopped_after, moved->claimed_after);
  EXPECT_LE(moved->stopped_after, test_support::SanitizerScaled(absl::Seconds(12)));

  ASSERT_TRUE(writer.WaitForMoreRounds(200, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  // One applier on the target: the new owner's; the old owner's connection was closed.
  EXPECT_TRUE(test_support::WaitFor([&] { return Appliers(*target, id, 2) == 1; },
                                    absl::Now() + absl::Seconds(20)))
      << second->ReadLog();
  EXPECT_EQ(Appliers(*target, id, 1), 0);
  // The source serves one replication link of the task: the new owner's, named like its applier.
  EXPECT_EQ(Appliers(*source, id, 2), 1);
  EXPECT_EQ(Appliers(*source, id, 1), 0);
  const std::string caught_up = WaitForCaughtUp(id, *source, *target, absl::Seconds(40));
  EXPECT_EQ(caught_up, "") << second->ReadLog();
  EXPECT_EQ(CountLogs(id, "LEASE_HANDOVER"), 1) << absl::StrJoin(LogCodes(id), ",");
  proxy->SetMode(test_support::TcpProxy::Mode::kDown);  // lets the first worker stop promptly
  first->Stop();
  second->Stop();
}

}  // namespace
}  // namespace rms::e2e
