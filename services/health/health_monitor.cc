// HealthMonitor: re-checks readiness on a timer and publishes it (gRPC health service, metrics).
#include "services/health/health_monitor.h"

namespace rms::health {

void HealthMonitor::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void HealthMonitor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void HealthMonitor::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.Unlock();
    publish_(probe_.Check().ok());
    mu_.Lock();
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_);
  }
}

}  // namespace rms::health
