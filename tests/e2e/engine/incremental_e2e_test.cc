// Engine e2e: incremental migration follows writes on the source until stopped.
#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/engine_env.h"

namespace rms::e2e {
namespace {

class IncrementalTest : public EngineE2eTest {};

TEST_F(IncrementalTest, WritesAfterTheSnapshotReachTheTargetAndStopTerminates) {
  auto source = test_support::RedisServer::Start({"inc-source"});
  auto target = test_support::RedisServer::Start({"inc-target"});
  ASSERT_TRUE(source.ok() && target.ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE((*source)->Cli({"SET", absl::StrCat("before:", i), "v"}).ok());
  }
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING");
  const std::vector<std::vector<std::string>> writes = {
      {"INCR", "counter"}, {"LPUSH", "list", "a", "b"}, {"EXPIRE", "list", "1000"},
      {"DEL", "before:1"}, {"SELECT", "3"},            {"HSET", "h", "f", "v"},
      {"SADD", "s", "m"},  {"ZADD", "z", "1.5", "m"},  {"SETEX", "ttl", "500", "x"}};
  for (const auto& write : writes) ASSERT_TRUE((*source)->Cli(write).ok());
  ASSERT_TRUE((*source)->Cli({"EVAL", "redis.call('SELECT', 3) redis.call('SET', 'db3', 'x')",
                              "0"})
                  .ok());
  EXPECT_TRUE(WaitForEqualDigests(**source, **target, absl::Seconds(30)))
      << *(*source)->Digest() << " vs " << *(*target)->Digest() << "\n" << server_->ReadLog();
  // Stats are published every second: wait for the applied offset to show.
  Json stats;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        stats = Stats(id);
        return stats.value("offset", "0") != "0";
      },
      absl::Now() + absl::Seconds(10)))
      << stats.dump();
  EXPECT_EQ(stats["is_migrating"], true);
  EXPECT_EQ(stats["full_migration_progress"], "100.00");

  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  task = WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30));
  EXPECT_EQ(task["status"], "TERMINATED");
}

}  // namespace
}  // namespace rms::e2e
