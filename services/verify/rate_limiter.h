// CommandRateLimiter: a token bucket on the commands a verification sends to the source.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace rms::verify {

// Keeps every one-second window at or below `per_second` commands, as long as no pipeline is
// larger than `max_pipeline`: tokens accrue at per_second - max_pipeline (at least half of
// per_second) and at most max_pipeline of them accumulate while idle, so a window holds at most
// the accrued rate plus one pipeline paid for before it. Acquire() sleeps before the commands
// are sent (a pipeline of n commands waits for n tokens). One thread.
class CommandRateLimiter {
 public:
  using Clock = std::function<absl::Time()>;
  // Sleeps up to the duration; false when the verification was cancelled meanwhile.
  using Sleeper = std::function<bool(absl::Duration)>;

  // `per_second` > 0, `max_pipeline` >= 1.
  CommandRateLimiter(double per_second, int64_t max_pipeline, Clock clock, Sleeper sleep);

  // Waits until `commands` may be sent. CANCELLED when the sleep was interrupted.
  absl::Status Acquire(int64_t commands);
  // The rate tokens accrue at.
  double accrual_per_second() const { return rate_; }
  // Total time Acquire() waited.
  absl::Duration waited() const { return waited_; }

 private:
  const double rate_;
  const double burst_;
  Clock clock_;
  Sleeper sleep_;
  double tokens_ = 0;
  absl::Time last_;
  absl::Duration waited_ = absl::ZeroDuration();
};

}  // namespace rms::verify
