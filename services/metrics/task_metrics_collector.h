// TaskMetricsCollector: task gauges read from PostgreSQL at scrape time (the source of truth
// every worker writes to), so any API replica exports the same numbers.
#pragma once

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "storage/records.h"

namespace rms::metrics {

// Families: rms_tasks{status}, and per active task (label task_id):
// rms_task_applied_offset, rms_task_lag_bytes, rms_task_lag_seconds, rms_task_keys_written,
// rms_task_snapshot_bytes, rms_task_snapshot_progress_percent, rms_task_target_ops,
// rms_task_throttled_seconds_total, rms_task_reconnects_total,
// rms_task_full_resyncs_total; plus rms_task_metrics_errors_total.
class TaskMetricsCollector final : public prometheus::Collectable {
 public:
  using TaskLister = std::function<absl::StatusOr<std::vector<storage::TaskRecord>>()>;
  explicit TaskMetricsCollector(TaskLister lister) : lister_(std::move(lister)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  TaskLister lister_;
  mutable uint64_t errors_ = 0;  // Collect() runs on the exposer's single thread
};

}  // namespace rms::metrics
