// Engine e2e: a target that refuses a write (here a key of another type that only the target
// has) fails the task with the refused command and key named; once the operator fixes the
// target, batch-restart resumes exactly after the last command the target applied, so counters
// and lists sent in the same batch as the refused write are not doubled.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class TargetRefusalTest : public OnlineE2eTest {
 protected:
  // batch-restart of the failed task, then the stream until the target equals the source.
  void RestartAndCatchUp(const std::string& id, const test_support::RedisServer& source,
                         const test_support::RedisServer& target) {
    auto restarted = rest_->Send("POST", P("/migration-tasks/batch-restart"),
                                 Json{{"migration_tasks", {id}}}.dump());
    ASSERT_EQ(restarted.status, 200) << restarted.body;
    Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
    ASSERT_EQ(task["status"], "INCRMIGEATING") << task.dump();
    const std::string caught_up = WaitForCaughtUp(id, source, target, absl::Seconds(30));
    EXPECT_EQ(caught_up, "") << absl::StrJoin(LogCodes(id), ",");
  }
};

TEST_F(TargetRefusalTest, RefusedWriteFailsTheTaskAndRestartResumesExactly) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("refusal-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("refusal-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << task.dump();
  // Something only the target has, that the source's next write cannot apply to.
  ASSERT_TRUE((*target)->Cli({"SET", "clash", "target-only string"}).ok());

  // One small pipeline, so the stream carries it in one batch: non-idempotent writes the target
  // applies, then the write it refuses (WRONGTYPE), then nothing.
  auto writer = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::string writes;
  for (int i = 0; i < 50; ++i) {
    engine::resp::AppendCommand(writes, {"INCR", "counter"});
    engine::resp::AppendCommand(writes, {"RPUSH", "list", absl::StrCat(i)});
  }
  engine::resp::AppendCommand(writes, {"LPUSH", "clash", "x"});
  ASSERT_TRUE((*writer)->Pipeline(writes, 101).ok());
  task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "MIGRATION_FAILED") << task.dump();
  const std::string error = task.value("error_message", "");
  EXPECT_TRUE(absl::StrContains(error, "refused LPUSH for key 'clash'")) << error;
  EXPECT_TRUE(absl::StrContains(error, "WRONGTYPE")) << error;
  EXPECT_EQ(CountLogs(id, "RECONNECTING"), 0) << "a refusal is not retried blindly";
  EXPECT_EQ((*target)->Cli({"GET", "counter"}).value_or("?"), "50");

  // The operator removes the stray key; the source took more writes meanwhile.
  ASSERT_TRUE((*target)->Cli({"DEL", "clash"}).ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*writer)->Command({"INCR", "counter"}).ok());
    ASSERT_TRUE((*writer)->Command({"RPUSH", "list", absl::StrCat("later-", i)}).ok());
  }
  RestartAndCatchUp(id, **source, **target);
  EXPECT_EQ((*target)->Cli({"GET", "counter"}).value_or("?"), "70");
  EXPECT_EQ((*target)->Cli({"LLEN", "list"}).value_or("?"), "70");
  EXPECT_GE(CountLogs(id, "PARTIAL_RESYNC"), 1) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");
}

// Under maxmemory with noeviction the target refuses a big SET, yet accepts some commands sent
// after it (memory frees as its query buffer drains). Those are recorded with the checkpoint and
// skipped on resume, so the counter and the list end exact.
TEST_F(TargetRefusalTest, OutOfMemoryTargetResumesWithoutApplyingAcceptedCommandsTwice) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("oom-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(
      ServerOptions("oom-target", {"maxmemory 4mb", "maxmemory-policy noeviction"}));
  ASSERT_TRUE(source.ok() && target.ok());
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << task.dump();

  auto writer = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string value(64 * 1024, 'm');
  std::string writes;
  for (int i = 0; i < 120; ++i) {
    engine::resp::AppendCommand(writes, {"INCR", "counter"});
    engine::resp::AppendCommand(writes, {"RPUSH", "list", absl::StrCat(i)});
    engine::resp::AppendCommand(writes, {"SET", absl::StrCat("big:", i), value});
  }
  ASSERT_TRUE((*writer)->Pipeline(writes, 360).ok());
  task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "MIGRATION_FAILED") << task.dump();
  const std::string error = task.value("error_message", "");
  EXPECT_TRUE(absl::StrContains(error, "OOM")) << error;
  EXPECT_EQ(error.find("refused SET for key 'big:"), error.find("refused")) << error;

  ASSERT_TRUE((*target)->Cli({"CONFIG", "SET", "maxmemory", "0"}).ok());
  RestartAndCatchUp(id, **source, **target);
  EXPECT_EQ((*target)->Cli({"GET", "counter"}).value_or("?"), "120");
  EXPECT_EQ((*target)->Cli({"LLEN", "list"}).value_or("?"), "120");
}

}  // namespace
}  // namespace rms::e2e
