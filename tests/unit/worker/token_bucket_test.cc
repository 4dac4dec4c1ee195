// TokenBucket: bandwidth_limit_mb as a byte throttle. Timing tests with tolerances: a lower bound
// is exact (the bucket never lets bytes through early); upper bounds leave room for a busy host.
#include "services/worker/token_bucket.h"

#include <gtest/gtest.h>

#include <future>

#include "services/worker/task_context.h"

namespace rms::worker {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr size_t kChunk = 32 * 1024;

// Acquires `bytes` in chunks of kChunk; returns how long it took (fails the test on an error).
absl::Duration AcquireAll(TokenBucket& bucket, size_t bytes) {
  const absl::Time start = absl::Now();
  for (size_t done = 0; done < bytes; done += kChunk) {
    absl::Status status = bucket.Acquire(std::min(kChunk, bytes - done));
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok()) break;
  }
  return absl::Now() - start;
}

TEST(TokenBucketTest, RateIsRespectedOverTime) {
  TaskContext context;
  TokenBucket bucket(context, 4 * kMiB);
  // The bucket starts empty: 2 MiB at 4 MiB/s take 0.5 s.
  const absl::Duration took = AcquireAll(bucket, 2 * 1024 * 1024);
  EXPECT_GE(took, absl::Milliseconds(490));
  EXPECT_LE(took, absl::Milliseconds(900));
  EXPECT_EQ(bucket.bytes_paid(), 2u * 1024 * 1024);
  EXPECT_GE(bucket.throttled(), absl::Milliseconds(400));
  EXPECT_LE(bucket.throttled(), took + absl::Milliseconds(20));
  EXPECT_DOUBLE_EQ(bucket.rate(), 4 * kMiB);
}

TEST(TokenBucketTest, SetRateRaisesTheRateForTheNextBytes) {
  TaskContext context;
  TokenBucket bucket(context, 1 * kMiB);
  const absl::Duration slow = AcquireAll(bucket, 256 * 1024);
  EXPECT_GE(slow, absl::Milliseconds(240));
  bucket.SetRate(16 * kMiB);
  EXPECT_DOUBLE_EQ(bucket.rate(), 16 * kMiB);
  // 2 MiB: ~0.125 s now (2 s at the old rate).
  const absl::Duration fast = AcquireAll(bucket, 2 * 1024 * 1024);
  EXPECT_GE(fast, absl::Milliseconds(80));
  EXPECT_LE(fast, absl::Milliseconds(600));
}

TEST(TokenBucketTest, SetRateLowersTheRateForTheNextBytes) {
  TaskContext context;
  TokenBucket bucket(context, 16 * kMiB);
  EXPECT_LE(AcquireAll(bucket, 1024 * 1024), absl::Milliseconds(400));
  bucket.SetRate(2 * kMiB);
  // 1 MiB at 2 MiB/s: 0.5 s.
  const absl::Duration slow = AcquireAll(bucket, 1024 * 1024);
  EXPECT_GE(slow, absl::Milliseconds(450));
  EXPECT_LE(slow, absl::Milliseconds(900));
}

TEST(TokenBucketTest, UnlimitedNeverWaits) {
  TaskContext context;
  TokenBucket bucket(context, 0);
  const absl::Duration took = AcquireAll(bucket, size_t{1} << 30);  // 1 GiB
  EXPECT_LE(took, absl::Milliseconds(500));
  EXPECT_EQ(bucket.throttled(), absl::ZeroDuration());
  EXPECT_EQ(bucket.bytes_paid(), uint64_t{1} << 30);
}

TEST(TokenBucketTest, SetRateZeroLiftsTheLimit) {
  TaskContext context;
  TokenBucket bucket(context, 1024);  // 1 KiB/s
  bucket.SetRate(0);
  const absl::Time start = absl::Now();
  EXPECT_TRUE(bucket.Acquire(10 * 1024 * 1024).ok());
  EXPECT_LE(absl::Now() - start, absl::Milliseconds(200));
  EXPECT_EQ(bucket.throttled(), absl::ZeroDuration());
}

TEST(TokenBucketTest, BurstIsAtMostOneSecondOfRate) {
  TaskContext context;
  TokenBucket bucket(context, 1 * kMiB);
  // Idle for 1.2 s: the bucket fills, but only up to one second's worth (1 MiB).
  absl::SleepFor(absl::Milliseconds(1200));  // the time passing is what is tested
  absl::Time start = absl::Now();
  ASSERT_TRUE(bucket.Acquire(1024 * 1024).ok());
  EXPECT_LE(absl::Now() - start, absl::Milliseconds(100));
  // Uncapped, 0.2 MiB would be left; capped, these 256 KiB are paid for by waiting ~0.25 s.
  start = absl::Now();
  ASSERT_TRUE(bucket.Acquire(256 * 1024).ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(180));
}

TEST(TokenBucketTest, CancelWakesAcquireWithTheContextsReason) {
  TaskContext context;
  TokenBucket bucket(context, 100 * 1024);  // 1 MiB would take ~10 s
  const absl::Time start = absl::Now();
  std::future<absl::Status> acquired =
      std::async(std::launch::async, [&] { return bucket.Acquire(1024 * 1024); });
  // Wait (with a deadline) until Acquire has computed its wait and is about to sleep.
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (bucket.throttled() == absl::ZeroDuration() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));  // polling a condition with a deadline
  }
  ASSERT_GT(bucket.throttled(), absl::ZeroDuration());
  context.Cancel(absl::AbortedError("lost the lease of task t1"));
  ASSERT_EQ(acquired.wait_for(std::chrono::seconds(2)), std::future_status::ready)
      << "Acquire still sleeping 2 s after Cancel";
  EXPECT_EQ(acquired.get(), absl::AbortedError("lost the lease of task t1"));
  EXPECT_LE(absl::Now() - start, absl::Seconds(3));
}

TEST(TokenBucketTest, AcquireOnACancelledContextReturnsTheReasonInsteadOfWaiting) {
  TaskContext context;
  context.Cancel(absl::CancelledError("an operator asked the task to stop"));
  TokenBucket bucket(context, 1024);
  const absl::Time start = absl::Now();
  EXPECT_EQ(bucket.Acquire(1024 * 1024),
            absl::CancelledError("an operator asked the task to stop"));
  EXPECT_LE(absl::Now() - start, absl::Milliseconds(200));
}

TEST(BandwidthBytesPerSecondTest, MegabytesAreMebibytes) {
  EXPECT_DOUBLE_EQ(BandwidthBytesPerSecond("1"), kMiB);
  EXPECT_DOUBLE_EQ(BandwidthBytesPerSecond("100"), 100 * kMiB);
  EXPECT_DOUBLE_EQ(BandwidthBytesPerSecond("10240"), 10240 * kMiB);
}

TEST(BandwidthBytesPerSecondTest, EmptyOrInvalidIsUnlimited) {
  EXPECT_EQ(BandwidthBytesPerSecond(""), 0);
  EXPECT_EQ(BandwidthBytesPerSecond("0"), 0);
  EXPECT_EQ(BandwidthBytesPerSecond("-5"), 0);
  EXPECT_EQ(BandwidthBytesPerSecond("fast"), 0);
}

}  // namespace
}  // namespace rms::worker
