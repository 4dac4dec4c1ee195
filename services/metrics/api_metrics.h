// Prometheus metrics of the API: requests by protocol, route, method and code, with latency.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace rms::metrics {

// Thread-safe. `route` is the route template ("/v2/{project_id}/migration-task/{task_id}"),
// never a raw path, so label cardinality stays bounded.
class ApiMetrics {
 public:
  explicit ApiMetrics(prometheus::Registry& registry);
  // protocol: "http" | "grpc"; code: the HTTP status ("404") or gRPC code name ("NOT_FOUND").
  void ObserveRequest(absl::string_view protocol, absl::string_view route,
                      absl::string_view method, absl::string_view code, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

}  // namespace rms::metrics
