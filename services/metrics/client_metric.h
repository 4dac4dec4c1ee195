// One sample of a scrape-time collector (a counter or a gauge with its labels).
#pragma once

#include <vector>

#include "prometheus/client_metric.h"
#include "prometheus/metric_type.h"

namespace rms::metrics {

// A sample with `labels` holding `value` as a counter when `type` is Counter, else as a gauge.
prometheus::ClientMetric Sample(std::vector<prometheus::ClientMetric::Label> labels,
                                prometheus::MetricType type, double value);

}  // namespace rms::metrics
