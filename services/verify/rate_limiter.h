// CommandRateLimiter: a token bucket on the commands a verification sends to the source.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace rms::verify {

// Commands earn the right to be sent at `per_second`; at most a tenth of a second's worth (and
// at least one command) may accumulate while idle, so the rate over any second stays close to
// the limit. Acquire() sleeps before the commands are sent (a pipeline of n commands waits for
// n tokens, running into debt when n exceeds the burst). One thread.
class CommandRateLimiter {
 public:
  using Clock = std::function<absl::Time()>;
  // Sleeps up to the duration; false when the verification was cancelled meanwhile.
  using Sleeper = std::function<bool(absl::Duration)>;

  // `per_second` > 0.
  CommandRateLimiter(double per_second, Clock clock, Sleeper sleep);

  // Waits until `commands` may be sent. CANCELLED when the sleep was interrupted.
  absl::Status Acquire(int64_t commands);
  double per_second() const { return per_second_; }
  // Total time Acquire() waited.
  absl::Duration waited() const { return waited_; }

 private:
  const double per_second_;
  const double burst_;
  Clock clock_;
  Sleeper sleep_;
  double tokens_ = 0;
  absl::Time last_;
  absl::Duration waited_ = absl::ZeroDuration();
};

}  // namespace rms::verify
