// CommandRateLimiter: a token bucket on the commands sent to the source.
#include "services/verify/rate_limiter.h"

#include <algorithm>

namespace rms::verify {

CommandRateLimiter::CommandRateLimiter(double per_second, Clock clock, Sleeper sleep)
    : per_second_(per_second), burst_(std::max(1.0, per_second / 10)), clock_(std::move(clock)),
      sleep_(std::move(sleep)), last_(clock_()) {}

absl::Status CommandRateLimiter::Acquire(int64_t commands) {
  const absl::Time now = clock_();
  tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * per_second_);
  last_ = now;
  tokens_ -= static_cast<double>(commands);
  if (tokens_ >= 0) return absl::OkStatus();
  const absl::Duration wait = absl::Seconds(-tokens_ / per_second_);
  waited_ += wait;
  if (!sleep_(wait)) return absl::CancelledError("the verification was cancelled");
  return absl::OkStatus();
}

}  // namespace rms::verify
