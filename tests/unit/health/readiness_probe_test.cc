// Unit tests of ReadinessProbe, HealthMonitor and the process metrics (no servers).
#include "services/health/readiness_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "services/common/errors.h"
#include "services/health/health_monitor.h"
#include "services/metrics/process_metrics_collector.h"

namespace rms::health {
namespace {

TEST(ReadinessProbeTest, ReadyWhenTheSchemaIsCurrentOrNewer) {
  ReadinessProbe current([] { return 4; }, 4);
  EXPECT_TRUE(current.Check().ok());
  EXPECT_TRUE(current.last_ready());
  ReadinessProbe newer([] { return 5; }, 4);  // a newer binary migrated it: still compatible
  EXPECT_TRUE(newer.Check().ok());
}

TEST(ReadinessProbeTest, OldSchemaIsNotReadyAndSaysWhy) {
  ReadinessProbe probe([] { return 2; }, 4);
  absl::Status status = probe.Check();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(errors::DcsCodeOf(status), "DCS.5031");
  EXPECT_NE(status.message().find("version 2"), absl::string_view::npos) << status;
  EXPECT_FALSE(probe.last_ready());
}

TEST(ReadinessProbeTest, UnreachableDatabaseIsNotReadyWithoutLeakingTheError) {
  ReadinessProbe probe(
      [] { return absl::UnavailableError("cannot connect to postgresql://rms:secret@db/rms"); },
      1);
  absl::Status status = probe.Check();
  EXPECT_EQ(errors::DcsCodeOf(status), "DCS.5031");
  EXPECT_EQ(status.message().find("secret"), absl::string_view::npos) << status;
}

TEST(ReadinessProbeTest, LastReadyFollowsTheLatestCheck) {
  std::atomic<bool> up{true};
  ReadinessProbe probe([&]() -> absl::StatusOr<int> {
    if (up) return 1;
    return absl::UnavailableError("down");
  }, 1);
  EXPECT_FALSE(probe.last_ready());  // before any check
  EXPECT_TRUE(probe.Check().ok());
  up = false;
  EXPECT_FALSE(probe.Check().ok());
  EXPECT_FALSE(probe.last_ready());
  up = true;
  EXPECT_TRUE(probe.Check().ok());
  EXPECT_TRUE(probe.last_ready());
}

TEST(HealthMonitorTest, PublishesAtStartAndStopsPromptly) {
  ReadinessProbe probe([] { return 1; }, 1);
  std::atomic<int> published{0};
  std::atomic<bool> last{false};
  {
    HealthMonitor monitor(probe, [&](bool ready) {
      last = ready;
      ++published;
    }, absl::Hours(1));
    monitor.Start();
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (published == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
    const absl::Time stop_started = absl::Now();
    monitor.Stop();  // must not wait for the hour-long interval
    EXPECT_LT(absl::Now() - stop_started, absl::Seconds(2));
  }
  EXPECT_EQ(published, 1);
  EXPECT_TRUE(last);
}

TEST(ProcessMetricsCollectorTest, ExportsReadinessErrorsAndSlots) {
  metrics::ProcessMetricsCollector collector(
      [] { return metrics::ProcessHealth{true, 7, 4}; });
  std::map<std::string, double> values;
  for (const auto& family : collector.Collect()) {
    ASSERT_EQ(family.metric.size(), 1u) << family.name;
    const auto& metric = family.metric[0];
    values[family.name] = family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                                          : metric.gauge.value;
  }
  EXPECT_EQ(values["rms_ready"], 1);
  EXPECT_EQ(values["rms_database_errors_total"], 7);
  EXPECT_EQ(values["rms_worker_slots"], 4);
}

}  // namespace
}  // namespace rms::health
