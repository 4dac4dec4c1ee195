// Verification metrics: process counters of finished runs and statuses read from PostgreSQL.
#include "services/metrics/verification_metrics.h"

#include "services/metrics/client_metric.h"

namespace rms::metrics {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* kProblems[] = {"missing", "extra", "value", "ttl", "type"};
constexpr const char* kStatuses[] = {"RUNNING", "DONE", "FAILED"};

}  // namespace

VerificationCounters::VerificationCounters(prometheus::Registry& registry)
    : finished_(prometheus::BuildCounter()
                    .Name("rms_verifications_finished_total")
                    .Help("Verifications this process's workers finished, by outcome")
                    .Register(registry)),
      keys_checked_(prometheus::BuildCounter()
                        .Name("rms_verification_keys_checked_total")
                        .Help("Source keys compared with the target by finished verifications")
                        .Register(registry)
                        .Add({})),
      differences_(prometheus::BuildCounter()
                       .Name("rms_verification_differences_total")
                       .Help("Differences reported by finished verifications, by problem")
                       .Register(registry)),
      source_commands_(prometheus::BuildCounter()
                           .Name("rms_verification_source_commands_total")
                           .Help("Commands finished verifications sent to sources")
                           .Register(registry)
                           .Add({})) {
  for (const char* problem : kProblems) differences_.Add({{"problem", problem}});
}

void VerificationCounters::Observe(const FinishedVerification& finished) {
  finished_.Add({{"status", finished.status}}).Increment();
  keys_checked_.Increment(static_cast<double>(finished.keys_checked));
  for (const auto& [problem, count] : finished.differences) {
    differences_.Add({{"problem", problem}}).Increment(static_cast<double>(count));
  }
  source_commands_.Increment(static_cast<double>(finished.source_commands));
}

std::vector<MetricFamily> VerificationStatusCollector::Collect() const {
  absl::StatusOr<std::map<std::string, int64_t>> counts = counter_();
  if (!counts.ok()) ++errors_;
  MetricFamily errors{"rms_verification_metrics_errors_total",
                      "Scrapes that could not read the verifications from the database",
                      MetricType::Counter,
                      {}};
  errors.metric.push_back(Sample({}, MetricType::Counter, static_cast<double>(errors_)));
  std::vector<MetricFamily> families;
  families.push_back(std::move(errors));
  if (!counts.ok()) return families;
  MetricFamily statuses{"rms_verifications", "Verifications by status", MetricType::Gauge, {}};
  for (const char* status : kStatuses) {
    auto it = counts->find(status);
    statuses.metric.push_back(
        Sample({{"status", status}}, MetricType::Gauge,
               it == counts->end() ? 0 : static_cast<double>(it->second)));
  }
  families.push_back(std::move(statuses));
  return families;
}

}  // namespace rms::metrics
