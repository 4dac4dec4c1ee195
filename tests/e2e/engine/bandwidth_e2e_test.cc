// Engine e2e: bandwidth_limit_mb throttles the bytes read from the source (the snapshot of a
// ~20 MB dataset at "1" MB/s takes ~20 s), and a PUT of a new limit takes effect while the task
// runs.
#include <iostream>

#include "absl/strings/str_format.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

class BandwidthTest : public OnlineE2eTest {};

TEST_F(BandwidthTest, SnapshotRateFollowsTheLimitAndALiveUpdate) {
  // Uncompressed RDB: 20000 values of 1000 bytes are ~20 MB on the wire.
  auto source = test_support::RedisServer::Start(
      ServerOptions("bandwidth-source", {"rdbcompression no", "repl-diskless-sync-delay 0"}));
  auto target = test_support::RedisServer::Start(ServerOptions("bandwidth-target"));
  ASSERT_TRUE(source.ok() && target.ok());
  Populate(**source, 20000, 1000);

  const std::string id =
      CreateAndConfigure("full_amount_migration", "auto", **source, **target, "1");
  ASSERT_FALSE(id.empty());
  Json task =
      WaitForStatus(id, {"FULLMIGRATING", "SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(30));
  ASSERT_EQ(task["status"], "FULLMIGRATING") << task.dump();

  // Stats are published about once a second: take the moments a new snapshot_bytes value shows
  // up, the first after the copy started and the first at least 6 s later.
  int64_t last_bytes = -1;
  int64_t first_bytes = -1;
  absl::Time first_at;
  int64_t end_bytes = -1;
  absl::Time end_at;
  Json stats;
  const bool sampled = test_support::WaitFor(
      [&] {
        stats = Stats(id);
        const int64_t bytes = StatInt(stats, "snapshot_bytes");
        const absl::Time now = absl::Now();
        const bool changed = bytes != last_bytes;
        last_bytes = bytes;
        if (!changed || bytes <= 0) return false;
        if (first_bytes < 0) {
          first_bytes = bytes;
          first_at = now;
          return false;
        }
        if (now - first_at < absl::Seconds(6)) return false;
        end_bytes = bytes;
        end_at = now;
        return true;
      },
      absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(sampled) << "last stats " << stats.dump() << "\nlogs " << Logs(id).dump();
  const double rate = static_cast<double>(end_bytes - first_bytes) / kMiB /
                      absl::ToDoubleSeconds(end_at - first_at);
  std::cout << absl::StrFormat("snapshot rate at 1 MB/s: %.3f MiB/s (%d bytes in %s)\n", rate,
                               end_bytes - first_bytes, absl::FormatDuration(end_at - first_at));
  EXPECT_GE(rate, 0.6);
  EXPECT_LE(rate, 1.15);
  EXPECT_NE(rest_->Send("GET", P("/migration-task/" + id)).json.value("status", ""), "SUCCESS")
      << "the snapshot finished early: the limit is not applied";

  // Raise the limit while the task runs; the rest (~13 MB) then goes at once.
  const absl::Time raised_at = absl::Now();
  auto updated = rest_->Send("PUT", P("/migration-task/" + id), R"({"bandwidth_limit_mb":"100"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(15));
  ASSERT_EQ(task["status"], "SUCCESS");
  const absl::Duration rest_of_snapshot = absl::Now() - raised_at;
  std::cout << "finished " << absl::FormatDuration(rest_of_snapshot)
            << " after the limit was raised\n";
  // At 1 MB/s the remaining bytes alone would take more than 10 s.
  EXPECT_LT(rest_of_snapshot, absl::Seconds(10));
  EXPECT_EQ(*(*source)->Digest(), *(*target)->Digest());
  stats = Stats(id);
  EXPECT_GT(StatDouble(stats, "throttled_seconds"), 0) << stats.dump();
  EXPECT_EQ(stats["full_migration_progress"], "100.00") << stats.dump();
}

}  // namespace
}  // namespace rms::e2e
