// CommandRateLimiter: a token bucket on the commands sent to the source.
#include "services/verify/rate_limiter.h"

#include <algorithm>

namespace rms::verify {

CommandRateLimiter::CommandRateLimiter(double per_second, int64_t max_pipeline, Clock clock,
                                       Sleeper sleep)
    : rate_(std::max(per_second - static_cast<double>(max_pipeline), per_second / 2)),
      burst_(static_cast<double>(std::max<int64_t>(1, max_pipeline))),
      clock_(std::move(clock)),
      sleep_(std::move(sleep)),
      last_(clock_()) {}

absl::Status CommandRateLimiter::Acquire(int64_t commands) {
  const absl::Time now = clock_();
  tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
  last_ = now;
  tokens_ -= static_cast<double>(commands);
  if (tokens_ >= 0) return absl::OkStatus();
  const absl::Duration wait = absl::Seconds(-tokens_ / rate_);
  waited_ += wait;
  if (!sleep_(wait)) return absl::CancelledError("the verification was cancelled");
  return absl::OkStatus();
}

}  // namespace rms::verify
