// LeaseClock over std::chrono::steady_clock, and LeaseDeadline's bookkeeping.
#include "services/worker/lease_clock.h"

#include <algorithm>
#include <chrono>

namespace rms::worker {
namespace {

class SteadyClock final : public LeaseClock {
 public:
  absl::Time Now() const override {
    return absl::UnixEpoch() +
           absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
  }
};

}  // namespace

const LeaseClock& SteadyLeaseClock() {
  static const SteadyClock clock;
  return clock;
}

void LeaseDeadline::Renewed(absl::Time sent_at) {
  absl::MutexLock lock(&mu_);
  deadline_ = std::max(deadline_, sent_at + hold_);
}

bool LeaseDeadline::Expired(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  return now >= deadline_;
}

absl::Time LeaseDeadline::deadline() const {
  absl::MutexLock lock(&mu_);
  return deadline_;
}

}  // namespace rms::worker
