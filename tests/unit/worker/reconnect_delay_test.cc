// ReconnectDelay: capped exponential back-off with +-20 % jitter (0.5 s, 1 s, 2 s ... 30 s).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "services/worker/reconnect_policy.h"

namespace rms::worker {
namespace {

constexpr int kSamples = 200;

double Seconds(int attempt) { return absl::ToDoubleSeconds(ReconnectDelay(attempt)); }

// The nominal delay of `attempt`: 0.5 s doubled per attempt, capped at 30 s.
double Base(int attempt) { return std::min(30.0, 0.5 * std::pow(2.0, std::min(attempt, 10))); }

TEST(ReconnectDelayTest, FirstAttemptIsAboutHalfASecond) {
  for (int i = 0; i < kSamples; ++i) {
    const double s = Seconds(0);
    EXPECT_GE(s, 0.4);
    EXPECT_LE(s, 0.6);
  }
}

TEST(ReconnectDelayTest, EveryAttemptStaysWithinTwentyPercentOfItsBaseAndTheCap) {
  for (int attempt = 0; attempt < 12; ++attempt) {
    for (int i = 0; i < kSamples; ++i) {
      const double s = Seconds(attempt);
      EXPECT_GE(s, 0.8 * Base(attempt) - 1e-9) << "attempt " << attempt;
      EXPECT_LE(s, std::min(30.0, 1.2 * Base(attempt)) + 1e-9) << "attempt " << attempt;
    }
  }
}

TEST(ReconnectDelayTest, GrowsUntilTheCap) {
  // Below the cap the jitter ranges of consecutive attempts do not overlap (1.2 b < 0.8 * 2 b),
  // so every sample of an attempt is longer than every sample of the one before.
  for (int attempt = 1; attempt <= 5; ++attempt) {
    double longest_before = 0;
    double shortest_now = 1e9;
    for (int i = 0; i < kSamples; ++i) {
      longest_before = std::max(longest_before, Seconds(attempt - 1));
      shortest_now = std::min(shortest_now, Seconds(attempt));
    }
    EXPECT_LT(longest_before, shortest_now) << "attempt " << attempt;
  }
}

TEST(ReconnectDelayTest, CappedAtThirtySecondsForever) {
  for (int attempt : {6, 7, 10, 20, 31, 32, 63, 64, 1000, 1 << 30}) {
    for (int i = 0; i < kSamples; ++i) {
      const absl::Duration d = ReconnectDelay(attempt);
      EXPECT_LE(d, absl::Seconds(30)) << "attempt " << attempt;
      EXPECT_GE(d, absl::Seconds(24)) << "attempt " << attempt;
    }
  }
}

TEST(ReconnectDelayTest, IsJittered) {
  // Attempt 3 (4 s nominal): samples spread over 3.2 .. 4.8 s, not one value.
  double shortest = 1e9;
  double longest = 0;
  for (int i = 0; i < kSamples; ++i) {
    const double s = Seconds(3);
    shortest = std::min(shortest, s);
    longest = std::max(longest, s);
  }
  EXPECT_LT(shortest, 3.8);
  EXPECT_GT(longest, 4.2);
  EXPECT_GE(shortest, 3.2);
  EXPECT_LE(longest, 4.8);
}

}  // namespace
}  // namespace rms::worker
