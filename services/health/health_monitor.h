// HealthMonitor: re-checks readiness on a timer and publishes it (gRPC health service, metrics).
#pragma once

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/health/readiness_probe.h"

namespace rms::health {

// Start() runs `probe.Check()` at once and then every `interval` on its own thread, calling
// `publish(ready)` after each check. Stop() (or the destructor) joins the thread.
class HealthMonitor {
 public:
  HealthMonitor(ReadinessProbe& probe, std::function<void(bool ready)> publish,
                absl::Duration interval)
      : probe_(probe), publish_(std::move(publish)), interval_(interval) {}
  ~HealthMonitor() { Stop(); }
  void Start();
  void Stop();

 private:
  void Loop();

  ReadinessProbe& probe_;
  const std::function<void(bool)> publish_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rms::health
