// SentTally and the lag fields of StatsRenderer: totals across writers, lag in bytes and seconds.
#include "services/worker/job_progress.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rms::worker {
namespace {

TEST(SentTallyTest, AddsWhatTheWriterGainedSinceLastTime) {
  JobProgress progress;
  SentTally tally(progress);
  tally.Update(10, 1000);
  EXPECT_EQ(progress.commands_sent.load(), 10u);
  EXPECT_EQ(progress.bytes_sent.load(), 1000u);
  tally.Update(15, 1500);
  EXPECT_EQ(progress.commands_sent.load(), 15u);
  EXPECT_EQ(progress.bytes_sent.load(), 1500u);
  tally.Update(15, 1500);
  EXPECT_EQ(progress.commands_sent.load(), 15u);
  EXPECT_EQ(progress.bytes_sent.load(), 1500u);
}

TEST(SentTallyTest, KeepsWhatTheJobHadCountedBefore) {
  JobProgress progress;
  progress.commands_sent = 100;
  progress.bytes_sent = 9000;
  SentTally tally(progress);
  tally.Update(3, 30);
  EXPECT_EQ(progress.commands_sent.load(), 103u);
  EXPECT_EQ(progress.bytes_sent.load(), 9030u);
}

TEST(SentTallyTest, SmallerCountersAreANewWriterStartingAtZero) {
  JobProgress progress;
  SentTally tally(progress);
  tally.Update(10, 1000);
  tally.Update(3, 200);  // reconnected: the new writer has sent 3 commands, 200 bytes
  EXPECT_EQ(progress.commands_sent.load(), 13u);
  EXPECT_EQ(progress.bytes_sent.load(), 1200u);
  tally.Update(5, 300);
  EXPECT_EQ(progress.commands_sent.load(), 15u);
  EXPECT_EQ(progress.bytes_sent.load(), 1300u);
}

TEST(SentTallyTest, NewWriterThatHasSentNothingYet) {
  JobProgress progress;
  SentTally tally(progress);
  tally.Update(10, 1000);
  tally.Update(0, 0);
  EXPECT_EQ(progress.commands_sent.load(), 10u);
  EXPECT_EQ(progress.bytes_sent.load(), 1000u);
  tally.Update(4, 40);
  EXPECT_EQ(progress.commands_sent.load(), 14u);
  EXPECT_EQ(progress.bytes_sent.load(), 1040u);
}

TEST(SentTallyTest, EitherCounterGoingBackMeansANewWriter) {
  JobProgress progress;
  SentTally tally(progress);
  tally.Update(10, 1000);
  tally.Update(12, 100);  // more commands but fewer bytes: only a new writer explains it
  EXPECT_EQ(progress.commands_sent.load(), 22u);
  EXPECT_EQ(progress.bytes_sent.load(), 1100u);
}

// Renders `progress` once with a fresh renderer and parses the JSON.
nlohmann::json Render(const JobProgress& progress) {
  StatsRenderer renderer;
  return nlohmann::json::parse(renderer.Render(progress, /*migrating=*/true));
}

std::string LagBytes(const JobProgress& progress) {
  return Render(progress).at("lag_bytes").get<std::string>();
}

double LagSeconds(const JobProgress& progress) {
  return std::stod(Render(progress).at("lag_seconds").get<std::string>());
}

int64_t UnixMicrosAgo(absl::Duration ago) { return absl::ToUnixMicros(absl::Now() - ago); }

TEST(StatsRendererLagTest, EverythingAppliedIsNoLag) {
  JobProgress progress;
  progress.read_offset = 5000;
  progress.applied_offset = 5000;
  progress.source_offset = 5000;
  const nlohmann::json stats = Render(progress);
  EXPECT_EQ(stats.at("lag_bytes"), "0");
  EXPECT_EQ(stats.at("lag_seconds"), "0.000");
  EXPECT_EQ(stats.at("offset"), "5000");
  EXPECT_EQ(stats.at("read_offset"), "5000");
  EXPECT_EQ(stats.at("is_migrating"), true);
}

TEST(StatsRendererLagTest, FreshProgressIsNoLag) {
  const JobProgress progress;  // source_offset -1: never sampled
  const nlohmann::json stats = Render(progress);
  EXPECT_EQ(stats.at("lag_bytes"), "0");
  EXPECT_EQ(stats.at("lag_seconds"), "0.000");
}

TEST(StatsRendererLagTest, LagBytesBehindWhatWasRead) {
  JobProgress progress;
  progress.read_offset = 500;
  progress.applied_offset = 300;
  EXPECT_EQ(LagBytes(progress), "200");
}

TEST(StatsRendererLagTest, LagBytesBehindTheSourceWhenItIsAhead) {
  JobProgress progress;
  progress.read_offset = 500;
  progress.applied_offset = 300;
  progress.source_offset = 800;
  EXPECT_EQ(LagBytes(progress), "500");
}

TEST(StatsRendererLagTest, LagBytesBehindWhatWasReadWhenTheSampleIsOld) {
  JobProgress progress;
  progress.read_offset = 900;
  progress.applied_offset = 300;
  progress.source_offset = 800;  // sampled before the last 100 bytes were written
  EXPECT_EQ(LagBytes(progress), "600");
}

TEST(StatsRendererLagTest, UnknownSourceOffsetIsIgnored) {
  JobProgress progress;
  progress.read_offset = 300;
  progress.applied_offset = 300;
  progress.source_offset = -1;
  EXPECT_EQ(LagBytes(progress), "0");
  progress.applied_offset = 0;
  progress.read_offset = 0;
  EXPECT_EQ(LagBytes(progress), "0");
}

TEST(StatsRendererLagTest, LagBytesIsNeverNegative) {
  JobProgress progress;
  progress.read_offset = 900;
  progress.applied_offset = 1000;
  progress.source_offset = 950;
  EXPECT_EQ(LagBytes(progress), "0");
}

TEST(StatsRendererLagTest, LagSecondsFromTheSourceSamples) {
  JobProgress progress;
  progress.source_behind_us = 2'500'000;
  EXPECT_EQ(Render(progress).at("lag_seconds"), "2.500");
}

TEST(StatsRendererLagTest, LagSecondsFromTheOldestUnappliedCommand) {
  JobProgress progress;
  progress.unapplied_since_us = UnixMicrosAgo(absl::Seconds(10));
  const double lag = LagSeconds(progress);
  EXPECT_GE(lag, 10.0);
  EXPECT_LT(lag, 70.0);  // room for a slow host between the two clock reads
}

TEST(StatsRendererLagTest, LagSecondsIsTheLargerOfTheTwo) {
  JobProgress progress;
  progress.source_behind_us = 30'000'000;
  progress.unapplied_since_us = UnixMicrosAgo(absl::Seconds(10));
  EXPECT_EQ(Render(progress).at("lag_seconds"), "30.000");

  progress.source_behind_us = 1'000'000;
  progress.unapplied_since_us = UnixMicrosAgo(absl::Seconds(20));
  const double lag = LagSeconds(progress);
  EXPECT_GE(lag, 20.0);
  EXPECT_LT(lag, 80.0);
}

TEST(StatsRendererLagTest, UnappliedSinceInTheFutureIsNoLag) {
  JobProgress progress;
  progress.unapplied_since_us = UnixMicrosAgo(-absl::Hours(1));  // a clock step backwards
  EXPECT_EQ(Render(progress).at("lag_seconds"), "0.000");
}

}  // namespace
}  // namespace rms::worker
