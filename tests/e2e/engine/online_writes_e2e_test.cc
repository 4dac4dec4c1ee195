// Engine e2e: an incremental migration of a 200k-key source while a background writer runs every
// kind of write (incl. MULTI/EXEC and SELECT 3) through the snapshot and the stream; the target
// catches up exactly (applied offset = source offset, lag 0, equal DEBUG DIGEST). Stop and delete
// follow the task state machine.
#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class OnlineWritesTest : public OnlineE2eTest {};

TEST_F(OnlineWritesTest, EveryWriteDuringSnapshotAndStreamArrivesAndStopTerminates) {
  auto source = test_support::RedisServer::Start(ServerOptions("online-source"));
  auto target = test_support::RedisServer::Start(ServerOptions("online-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 200000);
  SourceWriter writer(**source);
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.WaitForMoreRounds(10, absl::Seconds(10))) << writer.error();

  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  // The snapshot of 200k keys takes a while: the writer keeps writing meanwhile. Count the rounds
  // written between the first and the last time the task was seen FULLMIGRATING.
  int64_t first_full_round = -1;
  int64_t last_full_round = -1;
  std::string status;
  test_support::WaitFor(
      [&] {
        auto reply = rest_->Send("GET", P("/migration-task/" + id));
        status = reply.json.value("status", "");
        if (status == "FULLMIGRATING") {
          last_full_round = static_cast<int64_t>(writer.rounds());
          if (first_full_round < 0) first_full_round = last_full_round;
        }
        return status == "INCRMIGEATING" || status == "MIGRATION_FAILED";
      },
      absl::Now() + absl::Seconds(90));
  ASSERT_EQ(status, "INCRMIGEATING") << Logs(id).dump();
  EXPECT_GT(last_full_round, first_full_round)
      << "no write seen while the snapshot was copied (FULLMIGRATING seen: "
      << (first_full_round >= 0) << ")";
  Json task;

  // A running task cannot be deleted.
  auto deleted =
      rest_->Send("DELETE", P("/migration-tasks/delete"), Json{{"task_id_list", {id}}}.dump());
  EXPECT_EQ(deleted.status, 400) << deleted.body;
  EXPECT_EQ(deleted.json.value("error_code", ""), "DCS.4135") << deleted.body;

  // Writes during the stream, then stop writing and let the target catch up.
  ASSERT_TRUE(writer.WaitForMoreRounds(300, absl::Seconds(30))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(30));
  EXPECT_EQ(caught_up, "") << "\nlogs: " << Logs(id).dump();
  EXPECT_NE((*target)->Cli({"-n", "3", "DBSIZE"}).value_or("0"), "0");
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0);
  Json stats = Stats(id);
  EXPECT_EQ(stats["is_migrating"], true) << stats.dump();
  EXPECT_EQ(stats["full_migration_progress"], "100.00") << stats.dump();
  EXPECT_GE(StatInt(stats, "keys_written"), 200000) << stats.dump();

  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  const std::string answered = stopped.json.value("status", "");
  EXPECT_TRUE(answered == "TERMINATING" || answered == "TERMINATED") << stopped.body;
  task = WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30));
  EXPECT_EQ(task["status"], "TERMINATED");
  // Once stopped it may be deleted.
  deleted =
      rest_->Send("DELETE", P("/migration-tasks/delete"), Json{{"task_id_list", {id}}}.dump());
  EXPECT_EQ(deleted.status, 200) << deleted.body;
}

}  // namespace
}  // namespace rms::e2e
