// Samples, rates and ETA of `watch`, and their rendering.
#include "services/ctl/progress_view.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/json_fields.h"

namespace rms::ctl {
namespace {

constexpr double kMaxEstimate = 99.99;

double Round2(double value) { return std::round(value * 100) / 100; }

Json Nullable(absl::optional<double> value) { return value ? Json(Round2(*value)) : Json(nullptr); }

}  // namespace

ProgressSample SampleOf(const Json& task, const Json& stats, absl::Time time) {
  ProgressSample sample;
  sample.time = time;
  sample.status = TextField(task, "status");
  sample.keys = IntegerField(stats, "keys_written").value_or(0);
  sample.bytes = IntegerField(stats, "snapshot_bytes").value_or(0);
  sample.lag_bytes = IntegerField(stats, "lag_bytes").value_or(0);
  sample.lag_seconds = NumberField(stats, "lag_seconds").value_or(0);
  sample.progress =
      std::clamp(NumberField(stats, "full_migration_progress").value_or(0), 0.0, 100.0);
  const int64_t source_keys = IntegerField(stats, "source_dbsize").value_or(0);
  if (sample.progress == 0 && source_keys > 0) {
    sample.progress = std::min(kMaxEstimate, 100.0 * sample.keys / source_keys);
  }
  if (sample.status == "SUCCESS" || sample.status == "INCRMIGEATING") sample.progress = 100;
  return sample;
}

ProgressView ProgressTracker::Add(const ProgressSample& sample) {
  if (sample.status != "FULLMIGRATING") {
    phase_start_.reset();
  } else if (!phase_start_) {
    phase_start_ = sample;
  }
  window_.push_back(sample);
  if (window_.size() > kWindow) window_.pop_front();
  ProgressView view;
  view.sample = sample;
  const ProgressSample& oldest = window_.front();
  const double seconds = absl::ToDoubleSeconds(sample.time - oldest.time);
  if (window_.size() > 1 && seconds > 0) {
    view.keys_per_s = std::max(0.0, (sample.keys - oldest.keys) / seconds);
  }
  view.eta_seconds = Eta(sample);
  return view;
}

absl::optional<double> ProgressTracker::Eta(const ProgressSample& sample) const {
  if (sample.progress >= 100) return 0.0;
  if (!phase_start_) return absl::nullopt;
  const double seconds = absl::ToDoubleSeconds(sample.time - phase_start_->time);
  const double done = sample.progress - phase_start_->progress;
  if (seconds <= 0 || done <= 0) return absl::nullopt;
  return (100 - sample.progress) / (done / seconds);
}

std::string RenderLine(const ProgressView& view) {
  const ProgressSample& s = view.sample;
  const std::string rate =
      view.keys_per_s ? absl::StrFormat(" (%.0f/s)", *view.keys_per_s) : std::string();
  return absl::StrFormat("%-13s %6.2f%%  keys %d%s  %s  lag %s %.1fs  ETA %s", s.status, s.progress,
                         s.keys, rate, HumanBytes(s.bytes), HumanBytes(s.lag_bytes), s.lag_seconds,
                         HumanDuration(view.eta_seconds));
}

Json RenderJson(const ProgressView& view) {
  const ProgressSample& s = view.sample;
  return Json{
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", s.time, absl::UTCTimeZone())},
      {"status", s.status},
      {"progress", Round2(s.progress)},
      {"keys", s.keys},
      {"bytes", s.bytes},
      {"keys_per_s", Nullable(view.keys_per_s)},
      {"lag_bytes", s.lag_bytes},
      {"lag_seconds", Round2(s.lag_seconds)},
      {"eta_seconds", Nullable(view.eta_seconds)},
  };
}

absl::optional<absl::Status> WatchEnd(const Json& details, bool follow) {
  const std::string status = TextField(details, "status");
  if (status == "SUCCESS" || (status == "INCRMIGEATING" && !follow) ||
      (status == "TERMINATED" && follow)) {
    return absl::OkStatus();
  }
  if (status == "MIGRATION_FAILED" || status == "FAILED" || status == "DELETED" ||
      status == "TERMINATED") {
    const std::string error = TextField(details, "error_message");
    return FailedError(absl::StrCat("task ", TextField(details, "task_id"), " ended ", status,
                                    error.empty() ? "" : ": ", error));
  }
  return absl::nullopt;
}

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrFormat("%d B", bytes);
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = bytes / 1024.0;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < 4) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string HumanDuration(absl::optional<double> seconds) {
  if (!seconds || *seconds < 0) return "--";
  const int64_t total = static_cast<int64_t>(std::ceil(*seconds));
  if (total < 60) return absl::StrFormat("%ds", total);
  if (total < 3600) return absl::StrFormat("%dm%02ds", total / 60, total % 60);
  return absl::StrFormat("%dh%02dm", total / 3600, total % 3600 / 60);
}

}  // namespace rms::ctl
