// Which failures an online migration retries by reconnecting, and the back-off between attempts.
#include "services/worker/reconnect_policy.h"

#include <algorithm>
#include <random>

namespace rms::worker {

bool ShouldReconnect(const absl::Status& failure, const ReconnectState& state) {
  if (state.manual || !state.synced_once || !state.incremental) return false;
  switch (failure.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kDataLoss:  // a damaged stream: reconnect and ask again
      return true;
    default:
      return false;
  }
}

absl::Duration ReconnectDelay(int attempt) {
  const double base = std::min(30.0, 0.5 * static_cast<double>(1 << std::min(attempt, 6)));
  static thread_local std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return absl::Seconds(std::min(30.0, base * jitter(random)));
}

}  // namespace rms::worker
