// Unit tests of watch's samples, keys/s, ETA, line and JSON rendering, and end states.
#include "services/ctl/progress_view.h"

#include <gtest/gtest.h>

#include "services/ctl/exit_codes.h"

namespace rms::ctl {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

ProgressSample Sample(double seconds, const std::string& status, double progress, int64_t keys) {
  ProgressSample sample;
  sample.time = kT0 + absl::Seconds(seconds);
  sample.status = status;
  sample.progress = progress;
  sample.keys = keys;
  return sample;
}

TEST(SampleOfTest, ReadsTheStatsStrings) {
  Json task = {{"task_id", "t1"}, {"status", "FULLMIGRATING"}};
  Json stats = {{"full_migration_progress", "42.50"},
                {"keys_written", "1200"},
                {"snapshot_bytes", "3145728"},
                {"lag_bytes", "10"},
                {"lag_seconds", "0.250"},
                {"source_dbsize", "5000"}};
  ProgressSample sample = SampleOf(task, stats, kT0);
  EXPECT_EQ(sample.status, "FULLMIGRATING");
  EXPECT_DOUBLE_EQ(sample.progress, 42.5);
  EXPECT_EQ(sample.keys, 1200);
  EXPECT_EQ(sample.bytes, 3145728);
  EXPECT_EQ(sample.lag_bytes, 10);
  EXPECT_DOUBLE_EQ(sample.lag_seconds, 0.25);
}

TEST(SampleOfTest, MissingFieldsAreZero) {
  ProgressSample sample = SampleOf({{"status", "MIGRATING"}}, Json::object(), kT0);
  EXPECT_EQ(sample.progress, 0);
  EXPECT_EQ(sample.keys, 0);
  EXPECT_EQ(sample.lag_bytes, 0);
}

TEST(SampleOfTest, DisklessSnapshotEstimatesFromKeys) {
  Json stats = {
      {"full_migration_progress", "0.00"}, {"keys_written", "250"}, {"source_dbsize", "1000"}};
  EXPECT_DOUBLE_EQ(SampleOf({{"status", "FULLMIGRATING"}}, stats, kT0).progress, 25);
  stats["keys_written"] = "1000";
  EXPECT_DOUBLE_EQ(SampleOf({{"status", "FULLMIGRATING"}}, stats, kT0).progress, 99.99);
}

TEST(SampleOfTest, FinishedOrStreamingIsComplete) {
  EXPECT_EQ(SampleOf({{"status", "SUCCESS"}}, Json::object(), kT0).progress, 100);
  EXPECT_EQ(SampleOf({{"status", "INCRMIGEATING"}}, Json::object(), kT0).progress, 100);
}

TEST(ProgressTrackerTest, KeysPerSecondOverTheWindow) {
  ProgressTracker tracker;
  EXPECT_FALSE(tracker.Add(Sample(0, "FULLMIGRATING", 0, 0)).keys_per_s);
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(1, "FULLMIGRATING", 10, 1000)).keys_per_s, 1000);
  // Stats published once a second: a repeated sample halves the rate instead of zeroing it.
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(2, "FULLMIGRATING", 10, 1000)).keys_per_s, 500);
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(3, "FULLMIGRATING", 30, 3000)).keys_per_s, 1000);
  for (int i = 4; i <= 8; ++i) tracker.Add(Sample(i, "FULLMIGRATING", 30, 3000));
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(9, "FULLMIGRATING", 30, 3000)).keys_per_s, 0);
}

TEST(ProgressTrackerTest, EtaFromTheProgressRate) {
  ProgressTracker tracker;
  EXPECT_FALSE(tracker.Add(Sample(0, "MIGRATING", 0, 0)).eta_seconds);
  EXPECT_FALSE(tracker.Add(Sample(1, "FULLMIGRATING", 0, 0)).eta_seconds);
  EXPECT_FALSE(tracker.Add(Sample(2, "FULLMIGRATING", 0, 0)).eta_seconds);
  // 20 % in 4 s since the phase began: 80 % left takes 16 s.
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(5, "FULLMIGRATING", 20, 100)).eta_seconds, 16);
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(6, "SUCCESS", 100, 500)).eta_seconds, 0);
}

TEST(ProgressTrackerTest, ANewSnapshotPhaseRestartsTheEta) {
  ProgressTracker tracker;
  tracker.Add(Sample(0, "FULLMIGRATING", 0, 0));
  tracker.Add(Sample(10, "FULLMIGRATING", 50, 0));
  tracker.Add(Sample(11, "MIGRATING", 0, 0));  // e.g. a full resync
  EXPECT_FALSE(tracker.Add(Sample(12, "FULLMIGRATING", 5, 0)).eta_seconds);
  EXPECT_DOUBLE_EQ(*tracker.Add(Sample(14, "FULLMIGRATING", 15, 0)).eta_seconds, 17);
}

TEST(RenderTest, OneLine) {
  ProgressView view;
  view.sample = Sample(0, "FULLMIGRATING", 42.5, 1200);
  view.sample.bytes = 3 * 1024 * 1024;
  view.sample.lag_bytes = 512;
  view.sample.lag_seconds = 0.25;
  view.keys_per_s = 300;
  view.eta_seconds = 75;
  EXPECT_EQ(RenderLine(view),
            "FULLMIGRATING  42.50%  keys 1200 (300/s)  3.0 MiB  lag 512 B 0.2s  ETA 1m15s");
  view.keys_per_s.reset();
  view.eta_seconds.reset();
  EXPECT_EQ(RenderLine(view), "FULLMIGRATING  42.50%  keys 1200  3.0 MiB  lag 512 B 0.2s  ETA --");
}

TEST(RenderTest, JsonObject) {
  ProgressView view;
  view.sample = Sample(1.5, "FULLMIGRATING", 42.456, 1200);
  view.sample.bytes = 4096;
  view.sample.lag_seconds = 0.1234;
  view.keys_per_s = 333.333;
  Json json = RenderJson(view);
  EXPECT_EQ(json["time"], "2023-11-14T22:13:21.500Z");
  EXPECT_EQ(json["status"], "FULLMIGRATING");
  EXPECT_DOUBLE_EQ(json["progress"].get<double>(), 42.46);
  EXPECT_EQ(json["keys"], 1200);
  EXPECT_EQ(json["bytes"], 4096);
  EXPECT_DOUBLE_EQ(json["keys_per_s"].get<double>(), 333.33);
  EXPECT_EQ(json["lag_bytes"], 0);
  EXPECT_DOUBLE_EQ(json["lag_seconds"].get<double>(), 0.12);
  EXPECT_TRUE(json["eta_seconds"].is_null());
  EXPECT_EQ(json.size(), 9u);
}

TEST(RenderTest, HumanUnits) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(int64_t{5} << 30), "5.0 GiB");
  EXPECT_EQ(HumanDuration(absl::nullopt), "--");
  EXPECT_EQ(HumanDuration(0.2), "1s");
  EXPECT_EQ(HumanDuration(59), "59s");
  EXPECT_EQ(HumanDuration(187), "3m07s");
  EXPECT_EQ(HumanDuration(7500), "2h05m");
}

int EndCode(const std::string& status, bool follow) {
  absl::optional<absl::Status> end = WatchEnd({{"status", status}}, follow);
  return end ? ExitCodeOf(*end) : -1;
}

TEST(WatchEndTest, ExitCodes) {
  for (const char* running : {"RUNNING", "MIGRATING", "FULLMIGRATING", "TERMINATING"}) {
    EXPECT_EQ(EndCode(running, false), -1) << running;
    EXPECT_EQ(EndCode(running, true), -1) << running;
  }
  EXPECT_EQ(EndCode("SUCCESS", false), 0);
  EXPECT_EQ(EndCode("SUCCESS", true), 0);
  EXPECT_EQ(EndCode("INCRMIGEATING", false), 0);
  EXPECT_EQ(EndCode("INCRMIGEATING", true), -1);
  EXPECT_EQ(EndCode("TERMINATED", true), 0);
  EXPECT_EQ(EndCode("TERMINATED", false), 1);
  EXPECT_EQ(EndCode("MIGRATION_FAILED", false), 1);
  EXPECT_EQ(EndCode("FAILED", true), 1);
  EXPECT_EQ(EndCode("DELETED", false), 1);
}

TEST(WatchEndTest, FailureNamesTheError) {
  absl::optional<absl::Status> end = WatchEnd(
      {{"task_id", "t1"}, {"status", "MIGRATION_FAILED"}, {"error_message", "OOM on target"}},
      false);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->message(), "task t1 ended MIGRATION_FAILED: OOM on target");
}

}  // namespace
}  // namespace rms::ctl
