// ProcessMetricsCollector: the health of this process at scrape time.
#include "services/metrics/process_metrics_collector.h"

#include <string>
#include <utility>

#include "services/metrics/client_metric.h"

namespace rms::metrics {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily OneValue(std::string name, std::string help, MetricType type, double value) {
  return MetricFamily{std::move(name), std::move(help), type, {Sample({}, type, value)}};
}

}  // namespace

std::vector<MetricFamily> ProcessMetricsCollector::Collect() const {
  const ProcessHealth health = read_();
  std::vector<MetricFamily> families;
  families.push_back(OneValue("rms_ready",
                              "1 when the database is reachable and the schema current (/readyz)",
                              MetricType::Gauge, health.ready ? 1 : 0));
  families.push_back(OneValue("rms_database_errors_total",
                              "Database calls of this process that failed (connection lost, "
                              "timeout, unexpected SQL error)",
                              MetricType::Counter, static_cast<double>(health.database_errors)));
  families.push_back(OneValue("rms_worker_slots", "Task slots of this process's worker role",
                              MetricType::Gauge, health.worker_slots));
  return families;
}

}  // namespace rms::metrics
