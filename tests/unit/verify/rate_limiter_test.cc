// Unit tests of the command rate limiter over a fake clock.
#include "services/verify/rate_limiter.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace rms::verify {
namespace {

constexpr absl::Time kStart = absl::FromUnixSeconds(1000);

class FakeTime {
 public:
  absl::Time now = kStart;
  absl::Duration slept = absl::ZeroDuration();
  bool cancelled = false;
  CommandRateLimiter Limiter(double rate, int64_t max_pipeline) {
    return CommandRateLimiter(
        rate, max_pipeline, [this] { return now; },
        [this](absl::Duration d) {
          if (cancelled) return false;
          now += d;
          slept += d;
          return true;
        });
  }
};

TEST(RateLimiterTest, AccruesAtTheRateLessOnePipeline) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(500, 25);
  EXPECT_EQ(limiter.accrual_per_second(), 475);
  int64_t sent = 0;
  while (sent < 9500) {
    ASSERT_TRUE(limiter.Acquire(25).ok());
    sent += 25;
  }
  EXPECT_NEAR(absl::ToDoubleSeconds(time.now - kStart), sent / 475.0, 0.1);
  EXPECT_EQ(limiter.waited(), time.slept);
  // A pipeline as big as the limit cannot keep the promise: at least half the rate accrues.
  EXPECT_EQ(time.Limiter(10, 100).accrual_per_second(), 5);
}

TEST(RateLimiterTest, NoOneSecondWindowHoldsMoreThanTheLimit) {
  FakeTime time;
  const double limit = 500;
  CommandRateLimiter limiter = time.Limiter(limit, 25);
  std::mt19937 random(7);
  std::deque<std::pair<absl::Time, int64_t>> window;  // sends in the last second
  int64_t in_window = 0, worst = 0;
  for (int i = 0; i < 3000; ++i) {
    // Work between pipelines of random size, sometimes long pauses that fill the bucket.
    time.now += absl::Milliseconds(random() % 7 == 0 ? 400 : random() % 5);
    const int64_t pipeline = 1 + random() % 25;
    ASSERT_TRUE(limiter.Acquire(pipeline).ok());
    window.emplace_back(time.now, pipeline);
    in_window += pipeline;
    while (window.front().first <= time.now - absl::Seconds(1)) {
      in_window -= window.front().second;
      window.pop_front();
    }
    worst = std::max(worst, in_window);
  }
  EXPECT_LE(worst, limit);
  EXPECT_GT(worst, limit * 0.9);  // and it does get close
}

TEST(RateLimiterTest, IdleTimeBuysOnlyOnePipeline) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(1000, 100);
  time.now += absl::Hours(1);              // idle for an hour
  ASSERT_TRUE(limiter.Acquire(100).ok());  // one pipeline's worth passes at once
  EXPECT_EQ(time.slept, absl::ZeroDuration());
  ASSERT_TRUE(limiter.Acquire(900).ok());  // the rest waits for 900 tokens at 900/s
  EXPECT_EQ(time.slept, absl::Seconds(1));
}

TEST(RateLimiterTest, PipelinesBiggerThanTheBurstRunIntoDebt) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(20, 10);  // accrues 10/s
  ASSERT_TRUE(limiter.Acquire(50).ok());
  EXPECT_EQ(time.slept, absl::Seconds(5));
  ASSERT_TRUE(limiter.Acquire(1).ok());
  EXPECT_EQ(time.slept, absl::Milliseconds(5100));
}

TEST(RateLimiterTest, CancelledWhileWaiting) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(20, 10);
  time.cancelled = true;
  EXPECT_TRUE(absl::IsCancelled(limiter.Acquire(100)));
}

}  // namespace
}  // namespace rms::verify
