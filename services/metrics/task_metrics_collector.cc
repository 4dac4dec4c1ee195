// TaskMetricsCollector: task gauges read from PostgreSQL at scrape time.
#include "services/metrics/task_metrics_collector.h"

#include <map>
#include <nlohmann/json.hpp>

#include "services/metrics/client_metric.h"

namespace rms::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

struct PerTaskMetric {
  const char* name;
  const char* stats_key;
  MetricType type;
  const char* help;
};

constexpr PerTaskMetric kPerTask[] = {
    {"rms_task_applied_offset", "offset", MetricType::Gauge,
     "Replication offset applied to the target"},
    {"rms_task_lag_bytes", "lag_bytes", MetricType::Gauge,
     "Replication bytes written on the source but not yet applied to the target"},
    {"rms_task_lag_seconds", "lag_seconds", MetricType::Gauge,
     "Age in seconds of the oldest source write not yet applied to the target"},
    {"rms_task_keys_written", "keys_written", MetricType::Gauge, "Keys written by the snapshot"},
    {"rms_task_snapshot_bytes", "snapshot_bytes", MetricType::Gauge, "RDB bytes read"},
    {"rms_task_snapshot_progress_percent", "full_migration_progress", MetricType::Gauge,
     "Snapshot progress in percent"},
    {"rms_task_target_ops", "target_ops", MetricType::Gauge, "Commands per second to the target"},
    {"rms_task_throttled_seconds_total", "throttled_seconds", MetricType::Counter,
     "Time spent waiting for bandwidth_limit_mb"},
    {"rms_task_reconnects_total", "reconnects", MetricType::Counter,
     "Resumptions after a lost link"},
    {"rms_task_full_resyncs_total", "full_resyncs", MetricType::Counter,
     "Snapshots copied again because the source's backlog no longer held the gap"},
};

double Number(const nlohmann::json& stats, const char* key) {
  if (!stats.is_object() || !stats.contains(key)) return 0;
  const nlohmann::json& value = stats[key];
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    try {
      return std::stod(value.get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

// Tasks whose worker publishes per-task stats: copying, or draining after a stop.
bool HasLiveStats(task_model::TaskStatus status) {
  return task_model::IsCopying(status) || status == task_model::TaskStatus::kTerminating;
}

}  // namespace

std::vector<MetricFamily> TaskMetricsCollector::Collect() const {
  std::vector<MetricFamily> families;
  absl::StatusOr<std::vector<storage::TaskRecord>> tasks = lister_();
  if (!tasks.ok()) ++errors_;
  MetricFamily errors{"rms_task_metrics_errors_total",
                      "Scrapes that could not read the tasks from the database",
                      MetricType::Counter,
                      {}};
  errors.metric.push_back(Sample({}, MetricType::Counter, static_cast<double>(errors_)));
  families.push_back(std::move(errors));
  if (!tasks.ok()) return families;
  std::map<std::string, double> by_status;
  MetricFamily per_task[std::size(kPerTask)];
  for (size_t i = 0; i < std::size(kPerTask); ++i) {
    per_task[i] = MetricFamily{kPerTask[i].name, kPerTask[i].help, kPerTask[i].type, {}};
  }
  for (const storage::TaskRecord& task : *tasks) {
    by_status[std::string(task_model::ToDcsString(task.status))] += 1;
    if (!HasLiveStats(task.status)) continue;
    const nlohmann::json stats = nlohmann::json::parse(task.stats_json, nullptr, false);
    for (size_t i = 0; i < std::size(kPerTask); ++i) {
      per_task[i].metric.push_back(Sample({{"task_id", task.id}, {"project_id", task.project_id}},
                                          kPerTask[i].type, Number(stats, kPerTask[i].stats_key)));
    }
  }
  MetricFamily statuses{"rms_tasks", "Tasks by status (not deleted)", MetricType::Gauge, {}};
  for (const auto& [status, count] : by_status) {
    statuses.metric.push_back(Sample({{"status", status}}, MetricType::Gauge, count));
  }
  families.push_back(std::move(statuses));
  for (MetricFamily& family : per_task) families.push_back(std::move(family));
  return families;
}

}  // namespace rms::metrics
