// One sample of a scrape-time collector (a counter or a gauge with its labels).
#include "services/metrics/client_metric.h"

#include <utility>

namespace rms::metrics {

prometheus::ClientMetric Sample(std::vector<prometheus::ClientMetric::Label> labels,
                                prometheus::MetricType type, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

}  // namespace rms::metrics
