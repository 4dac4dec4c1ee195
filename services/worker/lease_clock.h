// LeaseClock and LeaseDeadline: the monotonic time a worker measures its lease by.
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rms::worker {

// A monotonic clock (never steps back, ignores wall-clock changes); injected so tests can drive
// lease expiry, back-off and intervals without sleeping. Thread-safe.
class LeaseClock {
 public:
  virtual ~LeaseClock() = default;
  // An arbitrary origin; only differences mean anything.
  virtual absl::Time Now() const = 0;
};

// std::chrono::steady_clock.
const LeaseClock& SteadyLeaseClock();

// When a worker must stop applying a task: `hold` after the send time of the newest renewal
// that succeeded (the claim counts as one). Measured from the send, never the reply, so however
// slow the database answers, the worker stops before the lease (ttl after the database's own
// now(), which is later than the send) can expire and be claimed by another worker.
// Thread-safe.
class LeaseDeadline {
 public:
  LeaseDeadline(absl::Time claim_sent_at, absl::Duration hold)
      : hold_(hold), deadline_(claim_sent_at + hold) {}
  // A renewal sent at `sent_at` succeeded. The deadline never moves back.
  void Renewed(absl::Time sent_at);
  bool Expired(absl::Time now) const;
  absl::Time deadline() const;

 private:
  const absl::Duration hold_;
  mutable absl::Mutex mu_;
  absl::Time deadline_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::worker
