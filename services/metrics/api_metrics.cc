// Prometheus metrics of the API: requests by protocol, route, method and code, with latency.
#include "services/metrics/api_metrics.h"

namespace rms::metrics {

ApiMetrics::ApiMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("rms_api_requests_total")
                    .Help("API requests by protocol, route, method and response code")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("rms_api_request_duration_seconds")
                   .Help("API request latency by protocol, route and method")
                   .Register(registry)) {}

void ApiMetrics::ObserveRequest(absl::string_view protocol, absl::string_view route,
                                absl::string_view method, absl::string_view code,
                                double seconds) {
  requests_
      .Add({{"protocol", std::string(protocol)},
            {"route", std::string(route)},
            {"method", std::string(method)},
            {"code", std::string(code)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  latency_
      .Add({{"protocol", std::string(protocol)},
            {"route", std::string(route)},
            {"method", std::string(method)}},
           kBuckets)
      .Observe(seconds);
}

}  // namespace rms::metrics
