// Engine e2e: the servers around a streaming task restart under an INCR/LPUSH/XADD load.
// - PostgreSQL restarted for real (pg_ctl stop -m fast, then start: clients get "terminating
//   connection due to administrator command") in auto and manual mode: the task keeps streaming
//   on the same worker and epoch, and the datasets end equal.
// - The target restarted with its data persisted (appendonly, appendfsync always) while the source
//   keeps writing: the worker retries until the target is back and resumes after the offset the
//   target acknowledged. The restart happens between writes: a target that dies with commands in
//   flight may apply them twice (docs/engine-limits.md).
// - The source restarted with persistence (the RDB written at shutdown keeps its replication id
//   and offset): the task resumes, by a partial resync when the source offers it, else a full one,
//   and the datasets end equal.
#include <sys/stat.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/embedded_postgres.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class PgRestartTest : public OnlineE2eTest {
 protected:
  void SetUp() override {
    auto dir = test_support::TempDir::Create("rms-private-pg");
    ASSERT_TRUE(dir.ok()) << dir.status();
    pg_dir_ = *std::move(dir);
    ASSERT_EQ(chmod(pg_dir_->path().c_str(), 0755), 0);  // the server runs as its own user
    storage::EmbeddedPostgres::Options options;
    options.port = test_support::FreeLoopbackPort();  // names the socket only
    pg_ = std::make_unique<storage::EmbeddedPostgres>(options);
    absl::StatusOr<std::string> url = pg_->Start(pg_dir_->path() + "/data");
    ASSERT_TRUE(url.ok()) << url.status();
    database_url_override_ = *url;
    OnlineE2eTest::SetUp();
  }
  void TearDown() override {
    OnlineE2eTest::TearDown();
    if (pg_) EXPECT_TRUE(pg_->Stop().ok());
  }
  void RunThroughRestart(const std::string& resume_mode);

  std::unique_ptr<test_support::TempDir> pg_dir_;
  std::unique_ptr<storage::EmbeddedPostgres> pg_;
};

void PgRestartTest::RunThroughRestart(const std::string& resume_mode) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("pg-restart-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("pg-restart-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 5000);
  SourceWriter writer(**source);
  ASSERT_TRUE(writer.Start().ok());
  const std::string id =
      CreateAndConfigure("incremental_migration", resume_mode, **source, **target);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING");
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  const absl::Time outage_began = absl::Now();
  ASSERT_TRUE(pg_->Stop().ok());
  absl::SleepFor(absl::Seconds(3));  // the length of the outage, not a wait for a condition
  ASSERT_TRUE(pg_->Start(pg_dir_->path() + "/data").ok());
  const absl::Duration outage = absl::Now() - outage_began;
  ASSERT_TRUE(writer.WaitForMoreRounds(200, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  EXPECT_EQ(WaitForCaughtUp(id, **source, **target, absl::Seconds(60)), "") << server_->ReadLog();
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(5));
  EXPECT_EQ(task["status"], "INCRMIGEATING") << server_->ReadLog();
  // The worker gives its lease up 10 s after its last renewal (renewed every 5 s): an outage
  // this short must not cost it. A loaded machine can stretch PostgreSQL's stop and start past
  // that; a takeover is then correct (the counters above are still exact).
  std::cout << "[ measure ] PostgreSQL was down for " << absl::FormatDuration(outage) << "\n";
  if (outage < absl::Seconds(4)) {
    EXPECT_EQ(CountLogs(id, "LEASE_TAKEOVER"), 0) << absl::StrJoin(LogCodes(id), ",");
  }
}

TEST_F(PgRestartTest, AutoModeStreamsThroughARealRestart) { RunThroughRestart("auto"); }

TEST_F(PgRestartTest, ManualModeStreamsThroughARealRestart) { RunThroughRestart("manual"); }

class PeerRestartTest : public OnlineE2eTest {
 protected:
  // A task streaming from `source` to `target` under a first writer, caught up and quiet.
  std::string StartCaughtUp(test_support::RedisServer& source, test_support::RedisServer& target) {
    Populate(source, 5000);
    SourceWriter writer(source);
    EXPECT_TRUE(writer.Start().ok());
    const std::string id = CreateAndConfigure("incremental_migration", "auto", source, target);
    if (id.empty()) return id;
    EXPECT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
              "INCRMIGEATING");
    EXPECT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
    EXPECT_TRUE(writer.Stop().ok()) << writer.error();
    EXPECT_EQ(WaitForCaughtUp(id, source, target, absl::Seconds(40)), "");
    return id;
  }
};

TEST_F(PeerRestartTest, TargetRestartIsRetriedAndResumesExactly) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("restart-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(
      ServerOptions("restart-target", {"appendonly yes", "appendfsync always"}));
  ASSERT_TRUE(source.ok() && target.ok());
  const std::string id = StartCaughtUp(**source, **target);
  ASSERT_FALSE(id.empty());
  (*target)->Stop();
  SourceWriter writer(**source);  // writes the worker cannot apply until the target is back
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  ASSERT_TRUE((*target)->StartAgain().ok());
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  EXPECT_EQ(WaitForCaughtUp(id, **source, **target, absl::Seconds(90)), "") << server_->ReadLog();
  EXPECT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(5))["status"],
            "INCRMIGEATING");
  EXPECT_GE(CountLogs(id, "RECONNECTING"), 1) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");
}

TEST_F(PeerRestartTest, SourceRestartWithPersistenceResumes) {
  auto source = test_support::RedisServer::Start(ServerOptions(
      "restart-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0", "save 3600 1"}));
  auto target = test_support::RedisServer::Start(ServerOptions("restart-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  const std::string id = StartCaughtUp(**source, **target);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE((*source)->Restart().ok());  // SIGTERM saves the RDB with the replication id
  SourceWriter writer(**source);
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.WaitForMoreRounds(200, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  EXPECT_EQ(WaitForCaughtUp(id, **source, **target, absl::Seconds(90)), "") << server_->ReadLog();
  EXPECT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(5))["status"],
            "INCRMIGEATING");
  const int partial = CountLogs(id, "PARTIAL_RESYNC");
  const int full = CountLogs(id, "FULL_RESYNC");
  std::cout << "after the source restart: " << partial << " partial, " << full
            << " full resync(s)\n";
  EXPECT_GE(partial + full, 1) << absl::StrJoin(LogCodes(id), ",");
}

}  // namespace
}  // namespace rms::e2e
