// Engine e2e: resume_mode auto survives replication link kills on the source (CLIENT KILL TYPE
// replica) with PSYNC <replid> <applied+1> (+CONTINUE), falls back to a full resync when the
// source's backlog no longer holds the resume point, and keeps the selected database across a
// resume. Every test ends with the target equal to the source (DEBUG DIGEST).
#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class LinkKillTest : public OnlineE2eTest {
 protected:
  // CLIENT KILL TYPE replica on `source`; returns how many links were killed.
  static int64_t KillReplicaLinks(engine::redis::RedisClient& client) {
    auto reply = client.Command({"CLIENT", "KILL", "TYPE", "replica"});
    return reply.ok() ? reply->integer : -1;
  }
};

// Acceptance: 20 link kills while a writer runs every kind of write -> only partial resyncs, and
// the target ends equal to the source.
TEST_F(LinkKillTest, TwentyLinkKillsResumeWithPartialResyncAndLoseNothing) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("kill-source", {"repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("kill-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 20000);
  auto killer = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(killer.ok()) << killer.status();
  SourceWriter writer(**source);
  ASSERT_TRUE(writer.Start().ok());

  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");

  std::vector<std::string> resume_times;
  for (int kill = 0; kill < 20; ++kill) {
    // Let some writes flow over the (re)established link first.
    ASSERT_TRUE(writer.WaitForMoreRounds(20, absl::Seconds(10))) << writer.error();
    const int resumed_before = CountLogs(id, "PARTIAL_RESYNC");
    const absl::Time killed_at = absl::Now();
    ASSERT_EQ(KillReplicaLinks(**killer), 1) << "kill " << kill;
    // The first back-off step is ~0.5 s; a link that worked until now must come back quickly.
    const bool resumed =
        test_support::WaitFor([&] { return CountLogs(id, "PARTIAL_RESYNC") > resumed_before; },
                              absl::Now() + absl::Seconds(10));
    resume_times.push_back(absl::FormatDuration(absl::Now() - killed_at));
    ASSERT_TRUE(resumed) << "kill " << kill << ": no new PARTIAL_RESYNC within 10 s; resume times "
                         << absl::StrJoin(resume_times, ", ")
                         << "\nlog codes: " << absl::StrJoin(LogCodes(id), ",")
                         << "\nlogs: " << Logs(id).dump();
  }
  std::cout << "resume times after each kill: " << absl::StrJoin(resume_times, ", ") << "\n";
  ASSERT_TRUE(writer.WaitForMoreRounds(20, absl::Seconds(10))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(30));
  EXPECT_EQ(caught_up, "") << "\nlog codes: " << absl::StrJoin(LogCodes(id), ",");
  EXPECT_GE(CountLogs(id, "PARTIAL_RESYNC"), 20);
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");
  Json stats;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        stats = Stats(id);
        return StatInt(stats, "reconnects") >= 20;
      },
      absl::Now() + absl::Seconds(10)))
      << stats.dump();
  EXPECT_EQ(StatInt(stats, "lag_bytes"), 0) << stats.dump();
}

// The link dies while the replication stream is in db 3; the source does not repeat SELECT after
// +CONTINUE (a Redis replica keeps its selected db across a partial resync), so the writes that
// follow must still land in db 3 of the target.
TEST_F(LinkKillTest, ResumeAfterPartialResyncKeepsTheSelectedDatabase) {
  auto source =
      test_support::RedisServer::Start(ServerOptions("db-source", {"repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("db-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_TRUE((*source)->Cli({"SET", "in-db0", "x"}).ok());
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
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
  ASSERT_EQ(KillReplicaLinks(**client), 1);
  // Same connection, same db: the stream carries no new SELECT before this write.
  ASSERT_TRUE((*client)->Command({"SET", "after-kill", "2"}).ok());
  ASSERT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "PARTIAL_RESYNC") >= 1; },
                                    absl::Now() + absl::Seconds(10)))
      << absl::StrJoin(LogCodes(id), ",");
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(15));
  EXPECT_EQ(caught_up, "");
  EXPECT_EQ((*target)->Cli({"-n", "3", "GET", "after-kill"}).value_or("?"), "2")
      << "db0 of the target has after-kill: "
      << (*target)->Cli({"-n", "0", "EXISTS", "after-kill"}).value_or("?");
  EXPECT_EQ((*target)->Cli({"-n", "0", "EXISTS", "after-kill"}).value_or("?"), "0");
}

// Acceptance: with a 16 kB backlog, a link kill followed at once by > 1 MB of writes makes the
// resume point unavailable -> FULL_RESYNC (target flushed, new snapshot), digests equal after.
TEST_F(LinkKillTest, BacklogOverflowFallsBackToFullResync) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("small-backlog", {"repl-backlog-size 16kb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("small-backlog-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 5000);
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  ASSERT_TRUE((*source)->Cli({"SET", "streamed", "1"}).ok());
  ASSERT_TRUE(test_support::WaitFor(
      [&] {
        return (*target)->Cli({"GET", "streamed"}).value_or("") == "1";
      },
      absl::Now() + absl::Seconds(10)));
  // A key only the target has: the full resync must flush it.
  ASSERT_TRUE((*target)->Cli({"SET", "target-only", "x"}).ok());

  auto client = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string value(64 * 1024, 'b');
  ASSERT_EQ(KillReplicaLinks(**client), 1);
  // The worker waits >= 0.4 s before it reconnects; these 1.25 MB are written in milliseconds.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*client)->Command({"SET", absl::StrCat("big:", i), value}).ok());
  }
  ASSERT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "FULL_RESYNC") >= 1; },
                                    absl::Now() + absl::Seconds(20)))
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << Logs(id).dump();
  task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  // The stream continues after the new snapshot.
  ASSERT_TRUE((*client)->Command({"SELECT", "3"}).ok());
  ASSERT_TRUE((*client)->Command({"LPUSH", "after-full-resync", "a", "b"}).ok());
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(30));
  EXPECT_EQ(caught_up, "") << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ((*target)->Cli({"EXISTS", "target-only"}).value_or("?"), "0");
  const std::vector<std::string> codes = LogCodes(id);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "PARTIAL_RESYNC"), 0)
      << absl::StrJoin(codes, ",");
  EXPECT_GE(std::count(codes.begin(), codes.end(), "RECONNECTING"), 1);
  EXPECT_EQ(StatInt(Stats(id), "full_resyncs"), 1);
  // The status went back to FULLMIGRATING for the new snapshot, then to INCRMIGEATING again.
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "FULL_SYNC_STARTED"), 2)
      << absl::StrJoin(codes, ",");
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "INCR_SYNC_STARTED"), 2)
      << absl::StrJoin(codes, ",");
}

}  // namespace
}  // namespace rms::e2e
