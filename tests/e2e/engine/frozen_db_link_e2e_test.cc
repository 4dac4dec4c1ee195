// Engine e2e: two worker processes on one database; the link of the one applying a task to
// PostgreSQL freezes (a proxy keeps the sockets open but passes nothing). The cut-off worker must
// stop applying before the other can claim the task, and the new owner closes the old owner's
// target connections. The load is idempotent: what the cut-off worker applied after its last
// stored checkpoint is applied again by the new owner (README "Known limits"), which INCR, LPUSH
// or XADD with IDs would show.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"
#include "tests/support/tcp_proxy.h"

namespace rms::e2e {
namespace {

class FrozenDbLinkTest : public OnlineE2eTest {
 protected:
  FrozenDbLinkTest() { fixture_workers_ = 0; }  // the fixture's migrationd serves the API only

  // A worker process with its own data dir, the fixture's key file and `database_url`.
  std::unique_ptr<test_support::MigrationdProcess> StartWorker(const std::string& name,
                                                               const std::string& database_url) {
    auto dir = test_support::TempDir::Create(name);
    if (!dir.ok()) return nullptr;
    test_support::MigrationdOptions options;
    options.data_dir = (*dir)->path();
    options.database_url = database_url;
    options.extra_flags = {"--workers", "1", "--key-file", dir_->path() + "/secret.key"};
    dirs_.push_back(*std::move(dir));
    auto started = test_support::MigrationdProcess::Start(options);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? *std::move(started) : nullptr;
  }
  // `url` with its port replaced by `port`.
  static std::string WithPort(const std::string& url, int port) {
    const size_t host = url.find("127.0.0.1:");
    const size_t slash = url.find('/', host);
    return absl::StrCat(url.substr(0, host), "127.0.0.1:", port, url.substr(slash));
  }
  static int PortOf(const std::string& url) {
    const size_t host = url.find("127.0.0.1:") + 10;
    int port = 0;
    (void)absl::SimpleAtoi(url.substr(host, url.find('/', host) - host), &port);
    return port;
  }
  // Target connections named for `task_id` at `epoch`.
  static int Appliers(const test_support::RedisServer& target, const std::string& task_id,
                      int epoch) {
    auto list = target.Cli({"CLIENT", "LIST"});
    if (!list.ok()) return -1;
    const std::string name = absl::StrCat("name=rms:", task_id, ":", epoch, " ");
    int count = 0;
    for (size_t at = list->find(name); at != std::string::npos; at = list->find(name, at + 1)) {
      ++count;
    }
    return count;
  }

  std::vector<std::unique_ptr<test_support::TempDir>> dirs_;
};

TEST_F(FrozenDbLinkTest, CutOffWorkerStopsBeforeTheTakeover) {
  auto proxy = test_support::TcpProxy::Start(PortOf(database_->url()));
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  std::unique_ptr<test_support::MigrationdProcess> first =
      StartWorker("rms-frozen-a", WithPort(database_->url(), (*proxy)->port()));
  ASSERT_NE(first, nullptr);
  auto source = test_support::RedisServer::Start(
      ServerOptions("frozen-source", {"repl-backlog-size 64mb", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("frozen-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 5000);
  SourceWriterOptions writes;
  writes.workload = Workload::kIdempotent;
  SourceWriter writer(**source, writes);
  ASSERT_TRUE(writer.Start().ok());
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING");
  std::unique_ptr<test_support::MigrationdProcess> second =
      StartWorker("rms-frozen-b", database_->url());
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(10))) << writer.error();
  EXPECT_EQ(Appliers(**target, id, 1), 1);

  (*proxy)->SetMode(test_support::TcpProxy::Mode::kFrozen);
  const absl::Time frozen_at = absl::Now();
  const std::string lost = absl::StrCat("lost the lease of task ", id);
  ASSERT_TRUE(test_support::WaitFor([&] { return first->ReadLog().find(lost) != std::string::npos; },
                                    absl::Now() + absl::Seconds(30)))
      << first->ReadLog();
  const absl::Duration stopped_after = absl::Now() - frozen_at;
  const std::string claimed = absl::StrCat("task ", id, ": claimed");
  ASSERT_TRUE(test_support::WaitFor(
      [&] { return second->ReadLog().find(claimed) != std::string::npos; },
      absl::Now() + absl::Seconds(40)))
      << second->ReadLog();
  const absl::Duration claimed_after = absl::Now() - frozen_at;
  std::cout << "cut-off worker stopped after " << absl::FormatDuration(stopped_after)
            << ", takeover after " << absl::FormatDuration(claimed_after) << "\n";
  EXPECT_LT(stopped_after, claimed_after);
  EXPECT_LE(stopped_after, absl::Seconds(12));

  ASSERT_TRUE(writer.WaitForMoreRounds(200, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();
  // One applier on the target: the new owner's; the old owner's connection was closed.
  EXPECT_TRUE(test_support::WaitFor([&] { return Appliers(**target, id, 2) == 1; },
                                    absl::Now() + absl::Seconds(20)))
      << second->ReadLog();
  EXPECT_EQ(Appliers(**target, id, 1), 0);
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(40));
  EXPECT_EQ(caught_up, "") << second->ReadLog();
  (*proxy)->SetMode(test_support::TcpProxy::Mode::kDown);  // lets the first worker stop promptly
  first->Stop();
  second->Stop();
}

}  // namespace
}  // namespace rms::e2e
