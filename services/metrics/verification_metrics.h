// Verification metrics: counters of the verifications this process's workers finished, and the
// verifications by status read from PostgreSQL at scrape time (any API replica agrees).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace rms::metrics {

// What one finished verification found.
struct FinishedVerification {
  std::string status;  // DONE | FAILED
  int64_t keys_checked = 0;
  std::map<std::string, int64_t> differences;  // by problem: missing, extra, value, ttl, type
  uint64_t source_commands = 0;
};

// Families: rms_verifications_finished_total{status}, rms_verification_keys_checked_total,
// rms_verification_differences_total{problem}, rms_verification_source_commands_total.
// Thread-safe.
class VerificationCounters {
 public:
  explicit VerificationCounters(prometheus::Registry& registry);
  void Observe(const FinishedVerification& finished);

 private:
  prometheus::Family<prometheus::Counter>& finished_;
  prometheus::Counter& keys_checked_;
  prometheus::Family<prometheus::Counter>& differences_;
  prometheus::Counter& source_commands_;
};

// rms_verifications{status} (RUNNING, DONE, FAILED, every one present) and
// rms_verification_metrics_errors_total.
class VerificationStatusCollector final : public prometheus::Collectable {
 public:
  using StatusCounter = std::function<absl::StatusOr<std::map<std::string, int64_t>>()>;
  explicit VerificationStatusCollector(StatusCounter counter) : counter_(std::move(counter)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  StatusCounter counter_;
  mutable uint64_t errors_ = 0;  // Collect() runs on the exposer's single thread
};

}  // namespace rms::metrics
