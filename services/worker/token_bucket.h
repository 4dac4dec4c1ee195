// TokenBucket: bandwidth_limit_mb as a ByteThrottle, changeable while the task runs.
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/engine/replication/byte_throttle.h"
#include "services/worker/task_context.h"

namespace rms::worker {

// Bytes earn the right to pass at `rate` bytes per second; a burst of at most one second's worth
// (and at least 64 KiB) may pass at once. Acquire() pays after the fact (debt) and sleeps until
// the debt is paid, waking early with the context's reason when the task is cancelled.
// SetRate() may be called from any thread (the update API changes it live).
class TokenBucket final : public engine::replication::ByteThrottle {
 public:
  // `bytes_per_second` 0 = unlimited.
  TokenBucket(TaskContext& context, double bytes_per_second);
  absl::Status Acquire(size_t bytes) override;
  void SetRate(double bytes_per_second);
  double rate() const;
  // Total time Acquire() slept (the "throttled" metric).
  absl::Duration throttled() const;
  uint64_t bytes_paid() const { return bytes_paid_.load(); }

 private:
  TaskContext& context_;
  mutable absl::Mutex mu_;
  double rate_ ABSL_GUARDED_BY(mu_);
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
  absl::Duration throttled_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> bytes_paid_{0};
};

// bandwidth_limit_mb ("" = unlimited) in bytes per second (MiB).
double BandwidthBytesPerSecond(const std::string& bandwidth_limit_mb);

}  // namespace rms::worker
