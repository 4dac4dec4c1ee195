// Engine e2e: resume_mode manual. A lost replication link fails the task (MIGRATION_FAILED with
// an error) instead of reconnecting; the source keeps taking writes; batch-restart resumes from the
// checkpoint with a partial resync and the target ends equal to the source.
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class ManualResumeTest : public OnlineE2eTest {};

TEST_F(ManualResumeTest, LinkKillFailsTheTaskAndBatchRestartResumesFromTheCheckpoint) {
  // A 64 MB backlog holds every write made while the task waits for its restart.
  auto source = test_support::RedisServer::Start(
      ServerOptions("manual-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("manual-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 20000);
  // Every kind of write, in db 0 only: the selected db across a resume has its own test
  // (LinkKillTest.ResumeAfterPartialResyncKeepsTheSelectedDatabase).
  SourceWriterOptions options;
  options.use_db3 = false;
  SourceWriter writer(**source, options);
  ASSERT_TRUE(writer.Start().ok());

  const std::string id = CreateAndConfigure("incremental_migration", "manual", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(10))) << writer.error();

  auto killed = (*source)->Cli({"CLIENT", "KILL", "TYPE", "replica"});
  ASSERT_EQ(killed.value_or("?"), "1");
  task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "MIGRATION_FAILED");
  EXPECT_FALSE(task.value("error_message", "").empty()) << task.dump();
  EXPECT_EQ(CountLogs(id, "RECONNECTING"), 0) << absl::StrJoin(LogCodes(id), ",");

  // The source keeps taking writes while the task waits for an operator.
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  EXPECT_EQ(rest_->Send("GET", P("/migration-task/" + id)).json.value("status", ""),
            "MIGRATION_FAILED");

  auto restarted = rest_->Send("POST", P("/migration-tasks/batch-restart"),
                               Json{{"migration_tasks", {id}}}.dump());
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  ASSERT_EQ(restarted.json["migration_tasks"][0].value("result", ""), "success") << restarted.body;
  task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << task.dump();
  EXPECT_EQ(task.value("error_message", ""), "") << task.dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(10))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(30));
  EXPECT_EQ(caught_up, "") << absl::StrJoin(LogCodes(id), ",");
  EXPECT_GE(CountLogs(id, "PARTIAL_RESYNC"), 1) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_SYNC_STARTED"), 1) << absl::StrJoin(LogCodes(id), ",");

  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(stopped.json, Json::object()) << stopped.body;
  EXPECT_EQ(rest_->Send("GET", P("/migration-task/" + id)).json.value("status", ""), "TERMINATED");
}

// A Redis replica keeps its selected db across a partial resync and the source does not repeat
// SELECT after +CONTINUE. A restarted task (like one taken over by another worker) starts a new
// job from the checkpoint, so the checkpoint must tell which db the stream was in: the write made
// in db 3 after the link was lost must land in db 3 of the target.
TEST_F(ManualResumeTest, RestartAfterALinkKillInDb3ResumesInDb3) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("manual-db-source", {"repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("manual-db-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_TRUE((*source)->Cli({"SET", "in-db0", "x"}).ok());
  const std::string id = CreateAndConfigure("incremental_migration", "manual", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");

  auto client = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->Command({"SELECT", "3"}).ok());
  ASSERT_TRUE((*client)->Command({"SET", "before-kill", "1"}).ok());
  ASSERT_TRUE(test_support::WaitFor(
      [&] {
        return (*target)->Cli({"-n", "3", "GET", "before-kill"}).value_or("") == "1";
      },
      absl::Now() + absl::Seconds(10)));
  auto killed = (*client)->Command({"CLIENT", "KILL", "TYPE", "replica"});
  ASSERT_TRUE(killed.ok() && killed->integer == 1);
  task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "MIGRATION_FAILED");
  // Same connection, same db: the stream carries no new SELECT before this write.
  ASSERT_TRUE((*client)->Command({"SET", "after-kill", "2"}).ok());

  auto restarted = rest_->Send("POST", P("/migration-tasks/batch-restart"),
                               Json{{"migration_tasks", {id}}}.dump());
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  EXPECT_GE(CountLogs(id, "PARTIAL_RESYNC"), 1) << absl::StrJoin(LogCodes(id), ",");
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(15));
  EXPECT_EQ(caught_up, "");
  EXPECT_EQ((*target)->Cli({"-n", "3", "GET", "after-kill"}).value_or("?"), "2");
  EXPECT_EQ((*target)->Cli({"-n", "0", "EXISTS", "after-kill"}).value_or("?"), "0")
      << "the write made in db 3 landed in db 0 of the target";
}

// A task resumed with +CONTINUE after a restart streams on top of a complete snapshot: its stats
// say full_migration_progress 100.00 while INCRMIGEATING, as before the failure (the same holds
// for a task taken over by another worker).
TEST_F(ManualResumeTest, RestartedTaskReportsItsSnapshotAsComplete) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("progress-source", {"repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("progress-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 1000);
  const std::string id = CreateAndConfigure("incremental_migration", "manual", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  Json stats;
  ASSERT_TRUE(test_support::WaitFor(
      [&] {
        stats = Stats(id);
        return stats.value("full_migration_progress", "") == "100.00";
      },
      absl::Now() + absl::Seconds(10)))
      << stats.dump();
  ASSERT_EQ((*source)->Cli({"CLIENT", "KILL", "TYPE", "replica"}).value_or("?"), "1");
  task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "MIGRATION_FAILED");
  ASSERT_TRUE((*source)->Cli({"SET", "after-failure", "1"}).ok());
  auto restarted = rest_->Send("POST", P("/migration-tasks/batch-restart"),
                               Json{{"migration_tasks", {id}}}.dump());
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  // Caught up past the write made after the failure: these stats are the restarted job's.
  ASSERT_EQ(WaitForCaughtUp(id, **source, **target, absl::Seconds(15)), "");
  stats = Stats(id);
  EXPECT_EQ(stats.value("full_migration_progress", ""), "100.00")
      << "INCRMIGEATING after a partial resync, yet " << stats.dump();
}

}  // namespace
}  // namespace rms::e2e
