// Engine e2e: the stats API's lag counts what the source has written and the target has not got
// (not only what migrationd has read), and returns to zero once the stream catches up.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

class StreamLagTest : public OnlineE2eTest {};

TEST_F(StreamLagTest, LagIsMeasuredAgainstTheSourceAndReturnsToZero) {
  auto source = test_support::RedisServer::Start(ServerOptions("lag-source"));
  auto target = test_support::RedisServer::Start(ServerOptions("lag-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  // 1 MB/s: the stream falls behind a burst of ~6 MB of writes for several seconds.
  const std::string id =
      CreateAndConfigure("incremental_migration", "auto", **source, **target, "1");
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << task.dump();

  auto writer = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string value(1000, 'x');
  std::string burst;
  constexpr int kKeys = 6000;
  for (int i = 0; i < kKeys; ++i) {
    engine::resp::AppendCommand(burst, {"SET", absl::StrCat("burst:", i), value});
  }
  ASSERT_TRUE((*writer)->Pipeline(burst, kKeys).ok());

  // While throttled, most of the burst still waits at the source: the lag must show it.
  Json stats;
  bool lagging = test_support::WaitFor(
      [&] {
        stats = Stats(id);
        return StatInt(stats, "lag_bytes") > (1 << 20) && StatDouble(stats, "lag_seconds") >= 1.0;
      },
      absl::Now() + absl::Seconds(15));
  ASSERT_TRUE(lagging) << stats.dump();
  std::cout << "while throttled: " << stats.dump() << "\n";
  const int64_t read_ahead = StatInt(stats, "read_offset") - StatInt(stats, "offset");
  EXPECT_GT(StatInt(stats, "lag_bytes"), read_ahead + 500 * 1000) << stats.dump();

  auto updated = rest_->Send("PUT", P("/migration-task/" + id), R"({"bandwidth_limit_mb":"100"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(30));
  ASSERT_TRUE(caught_up.empty()) << caught_up;
  bool zero = test_support::WaitFor(
      [&] {
        stats = Stats(id);
        return StatInt(stats, "lag_bytes") == 0 && StatDouble(stats, "lag_seconds") == 0.0;
      },
      absl::Now() + absl::Seconds(10));
  EXPECT_TRUE(zero) << stats.dump();
  EXPECT_EQ(StatInt(stats, "offset"), ReplicationInfo(**source, "master_repl_offset"));
}

TEST_F(StreamLagTest, SourceBufferNearItsReplicaLimitIsWarnedAbout) {
  // The source drops a replica link past 8 MB pending (or 4 MB for 60 s): warn from 4 MB held.
  auto source = test_support::RedisServer::Start(
      ServerOptions("buffer-source", {"client-output-buffer-limit replica 8mb 4mb 60"}));
  auto target = test_support::RedisServer::Start(ServerOptions("buffer-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  const std::string id =
      CreateAndConfigure("incremental_migration", "auto", **source, **target, "1");
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << task.dump();

  auto writer = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string value(1000, 'y');
  for (int round = 0; round < 3; ++round) {  // ~12 MB written at once, read at 1 MB/s
    std::string burst;
    for (int i = 0; i < 4000; ++i) {
      engine::resp::AppendCommand(burst, {"SET", absl::StrCat("held:", round, ":", i), value});
    }
    ASSERT_TRUE((*writer)->Pipeline(burst, 4000).ok());
  }
  ASSERT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "SOURCE_BUFFER_NEAR_LIMIT") >= 1; },
                                    absl::Now() + absl::Seconds(20)))
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << Stats(id).dump();
  const Json logs = Logs(id);
  std::cout << "logs: " << logs.dump() << "\n";
  EXPECT_NE(logs.dump().find("client-output-buffer-limit (hard 8 MiB, soft 4 MiB for 60 s)"),
            std::string::npos)
      << logs.dump();

  // Whether or not the source dropped the link meanwhile, the task ends equal.
  auto updated = rest_->Send("PUT", P("/migration-task/" + id), R"({"bandwidth_limit_mb":"100"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  const std::string caught_up = WaitForCaughtUp(id, **source, **target, absl::Seconds(60));
  EXPECT_TRUE(caught_up.empty()) << caught_up << "\n" << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "SOURCE_BUFFER_NEAR_LIMIT"), 1) << "warned more than once in 5 min";
}

}  // namespace
}  // namespace rms::e2e
