// ProcessMetricsCollector: the health of this process at scrape time (readiness, database
// errors, worker slots), read through callbacks so this library needs neither storage nor worker.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace rms::metrics {

struct ProcessHealth {
  bool ready = false;            // the latest readiness check passed
  int64_t database_errors = 0;   // failed database calls since start
  int worker_slots = 0;          // task slots of the worker role (0: no worker role)
};

// Families: rms_ready (gauge 0/1), rms_database_errors_total (counter), rms_worker_slots (gauge).
class ProcessMetricsCollector final : public prometheus::Collectable {
 public:
  explicit ProcessMetricsCollector(std::function<ProcessHealth()> read) : read_(std::move(read)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<ProcessHealth()> read_;
};

}  // namespace rms::metrics
