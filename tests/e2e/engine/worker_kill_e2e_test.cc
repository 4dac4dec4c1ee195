// Engine e2e: two migrationd processes share one database; the one running an incremental task is
// killed with SIGKILL while the source keeps taking writes; the other takes the task over when the
// lease expires (LEASE_TAKEOVER), resumes from the checkpoint, and the target ends equal.
#include <signal.h>
#include <sys/stat.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class WorkerKillTest : public OnlineE2eTest {
 protected:
  // Lines of `log` that say `task_id` was claimed.
  static int ClaimsIn(const std::string& log, const std::string& task_id) {
    const std::string needle = absl::StrCat("task ", task_id, ": claimed");
    int count = 0;
    for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) {
      ++count;
    }
    return count;
  }
};

TEST_F(WorkerKillTest, SigkilledWorkerIsTakenOverAndTheTargetEndsEqual) {
  // A second worker process on the same database, with the same key file (task passwords are
  // sealed with it).
  const std::string key_file = dir_->path() + "/secret.key";
  struct stat info;
  ASSERT_EQ(stat(key_file.c_str(), &info), 0) << key_file;
  auto other_dir = test_support::TempDir::Create("rms-engine-e2e-b");
  ASSERT_TRUE(other_dir.ok()) << other_dir.status();
  test_support::MigrationdOptions options;
  options.data_dir = (*other_dir)->path();
  options.database_url = database_->url();
  options.extra_flags = {"--workers", "2", "--key-file", key_file};
  auto started = test_support::MigrationdProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<test_support::MigrationdProcess> other = *std::move(started);

  // A 64 MB backlog holds every write made until the takeover (~20 s).
  auto source = test_support::RedisServer::Start(
      ServerOptions("takeover-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("takeover-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 20000);
  // Idempotent writes only: a known limit is that the batch in flight when a worker dies may be
  // applied twice after a takeover (the checkpoint is written right after the target acknowledged
  // the batch, and the worker may die in between). SET/HSET/SADD/ZADD/DEL with fixed values give
  // the same dataset when applied twice; INCR, LPUSH or XADD would not.
  SourceWriterOptions writes;
  writes.workload = Workload::kIdempotent;
  SourceWriter writer(**source, writes);
  ASSERT_TRUE(writer.Start().ok());

  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();

  // Which process holds the task: its log says "task <id>: claimed".
  const int claims_first = ClaimsIn(server_->ReadLog(), id);
  const int claims_other = ClaimsIn(other->ReadLog(), id);
  ASSERT_EQ(claims_first + claims_other, 1) << "claimed " << claims_first << " + " << claims_other;
  const bool first_holds = claims_first == 1;
  test_support::MigrationdProcess& holder = first_holds ? *server_ : *other;
  test_support::MigrationdProcess& survivor = first_holds ? *other : *server_;
  std::cout << "task held by " << (first_holds ? "the fixture's" : "the second")
            << " migrationd (pid " << holder.pid() << ")\n";

  ASSERT_EQ(kill(holder.pid(), SIGKILL), 0);
  const absl::Time killed_at = absl::Now();
  // The REST API of the killed process is gone: talk to the survivor (same database, same token).
  std::unique_ptr<test_support::MigrationdProcess> killed;
  if (first_holds) {
    auto credentials = other->CreateCredentials(project_);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    rest_ = std::make_unique<test_support::RestClient>(other->http_port(), credentials->token);
    killed = std::move(server_);
    server_ = std::move(other);  // TearDown stops the survivor and checks its exit
  } else {
    killed = std::move(other);
  }

  // The lease (15 s, renewed every 5 s) expires and the survivor claims the task.
  const bool taken_over = test_support::WaitFor(
      [&] { return ClaimsIn(survivor.ReadLog(), id) >= 1; }, absl::Now() + absl::Seconds(40));
  const absl::Duration takeover = absl::Now() - killed_at;
  std::cout << "takeover after " << absl::FormatDuration(takeover) << "\n";
  ASSERT_TRUE(taken_over) << "no takeover within 40 s; survivor log:\n" << survivor.ReadLog();
  EXPECT_LE(takeover, absl::Seconds(25));
  ASSERT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "LEASE_TAKEOVER") >= 1; },
                                    absl::Now() + absl::Seconds(10)))
      << absl::StrJoin(LogCodes(id), ",");
  ASSERT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "PARTIAL_RESYNC") >= 1; },
                                    absl::Now() + absl::Seconds(20)))
      << absl::StrJoin(LogCodes(id), ",") << "\nsurvivor log:\n"
      << survivor.ReadLog();
  task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "INCRMIGEATING");

  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(30));
  EXPECT_EQ(caught_up, "") << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");

  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(rest_->Send("GET", P("/migration-task/" + id)).json.value("status", ""), "TERMINATED");
  killed.reset();  // reaps the killed process
}

}  // namespace
}  // namespace rms::e2e
