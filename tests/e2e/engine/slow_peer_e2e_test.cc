// Engine e2e: a source whose probe replies (INFO) crawl at one byte every 1.5 s, with a second
// worker on the database. The stats probes run off the lease keeper's thread, each call within
// its own deadline, so the lease keeps being renewed: the task stays with its first worker and
// epoch (no takeover, one applier on the target) and keeps streaming; the datasets end equal
// under an INCR/LPUSH/XADD load.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"
#include "tests/support/tcp_proxy.h"

namespace rms::e2e {
namespace {

class SlowPeerTest : public OnlineE2eTest {
 protected:
  SlowPeerTest() { fixture_workers_ = 0; }  // the fixture's migrationd serves the API only
};

TEST_F(SlowPeerTest, SlowInfoRepliesDoNotCostTheLease) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("slow-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("slow-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  auto proxy = test_support::TcpProxy::Start((*source)->port());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  std::unique_ptr<test_support::MigrationdProcess> first =
      StartExtraWorker("rms-slow-a", database_url());
  ASSERT_NE(first, nullptr);
  Populate(**source, 5000);
  SourceWriter writer(**source);
  ASSERT_TRUE(writer.Start().ok());
  const std::string id =
      CreateAndConfigureFrom("incremental_migration", "auto",
                             absl::StrCat("127.0.0.1:", (*proxy)->port()), **source, **target);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING");
  std::unique_ptr<test_support::MigrationdProcess> second =
      StartExtraWorker("rms-slow-b", database_url());
  ASSERT_NE(second, nullptr);

  (*proxy)->TrickleRepliesAfter("INFO", absl::Milliseconds(1500));
  // Longer than two lease TTLs (15 s): a blocked keeper would have lost the task by then.
  const uint64_t rounds_before = writer.rounds();
  ASSERT_FALSE(test_support::WaitFor(
      [&] {
        return second->ReadLog().find(absl::StrCat("task ", id, ": claimed")) != std::string::npos;
      },
      absl::Now() + absl::Seconds(35)))
      << second->ReadLog();
  EXPECT_GT(writer.rounds(), rounds_before + 100) << writer.error();
  (*proxy)->TrickleRepliesAfter("", absl::ZeroDuration());
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  // New probe connections answer at full speed again; the trickled ones time out and reconnect.
  EXPECT_EQ(WaitForCaughtUp(id, **source, **target, absl::Seconds(60)), "") << first->ReadLog();
  EXPECT_EQ(CountLogs(id, "LEASE_TAKEOVER"), 0) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(first->ReadLog().find("lost the lease"), std::string::npos) << first->ReadLog();
  first->Stop();
  second->Stop();
}

}  // namespace
}  // namespace rms::e2e
