// TokenBucket: bandwidth_limit_mb as a ByteThrottle, changeable while the task runs.
#include "services/worker/token_bucket.h"

#include <algorithm>

#include "absl/strings/numbers.h"

namespace rms::worker {
namespace {
constexpr double kMinBurstBytes = 64 * 1024;
}  // namespace

double BandwidthBytesPerSecond(const std::string& bandwidth_limit_mb) {
  int64_t mb = 0;
  if (bandwidth_limit_mb.empty() || !absl::SimpleAtoi(bandwidth_limit_mb, &mb) || mb <= 0) return 0;
  return static_cast<double>(mb) * 1024 * 1024;
}

TokenBucket::TokenBucket(TaskContext& context, double bytes_per_second)
    : context_(context), rate_(bytes_per_second), tokens_(0), last_(absl::Now()),
      throttled_(absl::ZeroDuration()) {}

void TokenBucket::SetRate(double bytes_per_second) {
  absl::MutexLock lock(&mu_);
  rate_ = bytes_per_second;
}

double TokenBucket::rate() const {
  absl::MutexLock lock(&mu_);
  return rate_;
}

absl::Duration TokenBucket::throttled() const {
  absl::MutexLock lock(&mu_);
  return throttled_;
}

absl::Status TokenBucket::Acquire(size_t bytes) {
  bytes_paid_ += bytes;
  absl::Duration wait;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    if (rate_ <= 0) {
      last_ = now;
      tokens_ = 0;
      return absl::OkStatus();
    }
    const double burst = std::max(rate_, kMinBurstBytes);
    tokens_ = std::min(burst, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
    last_ = now;
    tokens_ -= static_cast<double>(bytes);
    if (tokens_ >= 0) return absl::OkStatus();
    wait = absl::Seconds(-tokens_ / rate_);
    throttled_ += wait;
  }
  if (!context_.SleepUnlessCancelled(wait)) return context_.reason();
  return absl::OkStatus();
}

}  // namespace rms::worker
