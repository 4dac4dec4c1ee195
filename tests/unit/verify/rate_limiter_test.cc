// Unit tests of the command rate limiter over a fake clock.
#include "services/verify/rate_limiter.h"

#include <gtest/gtest.h>

namespace rms::verify {
namespace {

class FakeTime {
 public:
  absl::Time now = absl::FromUnixSeconds(1000);
  absl::Duration slept = absl::ZeroDuration();
  bool cancelled = false;
  CommandRateLimiter Limiter(double rate) {
    return CommandRateLimiter(
        rate, [this] { return now; },
        [this](absl::Duration d) {
          if (cancelled) return false;
          now += d;
          slept += d;
          return true;
        });
  }
};

TEST(RateLimiterTest, PacesCommandsToTheRate) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(500);
  // 10 000 commands in pipelines of 51 take about 20 s, whatever the pipeline size.
  int64_t sent = 0;
  while (sent < 10000) {
    ASSERT_TRUE(limiter.Acquire(51).ok());
    sent += 51;
  }
  const double seconds = absl::ToDoubleSeconds(time.now - absl::FromUnixSeconds(1000));
  EXPECT_NEAR(seconds, sent / 500.0, 0.01);
  EXPECT_EQ(limiter.waited(), time.slept);
}

TEST(RateLimiterTest, IdleTimeBuysOnlyASmallBurst) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(1000);
  time.now += absl::Hours(1);  // idle for an hour
  ASSERT_TRUE(limiter.Acquire(100).ok());  // a tenth of a second's worth passes at once
  EXPECT_EQ(time.slept, absl::ZeroDuration());
  ASSERT_TRUE(limiter.Acquire(1000).ok());  // the rest waits its full second
  EXPECT_EQ(time.slept, absl::Seconds(1));
}

TEST(RateLimiterTest, PipelinesBiggerThanTheBurstRunIntoDebt) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(10);
  ASSERT_TRUE(limiter.Acquire(50).ok());
  EXPECT_EQ(time.slept, absl::Seconds(5));
  ASSERT_TRUE(limiter.Acquire(1).ok());
  EXPECT_EQ(time.slept, absl::Milliseconds(5100));
}

TEST(RateLimiterTest, CancelledWhileWaiting) {
  FakeTime time;
  CommandRateLimiter limiter = time.Limiter(10);
  time.cancelled = true;
  EXPECT_TRUE(absl::IsCancelled(limiter.Acquire(100)));
}

}  // namespace
}  // namespace rms::verify
