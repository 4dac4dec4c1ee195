// What `watch` shows: samples of a task's details and stats, the rates and ETA derived from
// consecutive samples, and their rendering as one terminal line or one JSON object. Pure.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "services/ctl/api.h"

namespace rms::ctl {

// One poll of `show` and `stats`.
struct ProgressSample {
  absl::Time time;
  std::string status;
  double progress = 0;  // 0..100
  int64_t keys = 0;     // keys written by the snapshot (keys_written)
  int64_t bytes = 0;    // RDB bytes read from the source (snapshot_bytes)
  int64_t lag_bytes = 0;
  double lag_seconds = 0;
};

// A sample from the task details and the stats reply (fields missing from either count as 0).
// The progress is the stats' full_migration_progress; while that is 0 (the source streams its
// snapshot diskless, size unknown) it is estimated as keys_written / source_dbsize (at most
// 99.99). SUCCESS and INCRMIGEATING mean 100.
ProgressSample SampleOf(const Json& task, const Json& stats, absl::Time time);

// A sample with what is derived from the samples before it.
struct ProgressView {
  ProgressSample sample;
  absl::optional<double> keys_per_s;   // over the last few samples; nullopt for the first
  absl::optional<double> eta_seconds;  // nullopt while unknown
};

// Keeps recent samples. Keys/s is measured over the last kWindow samples; the ETA is the
// remaining progress over the progress rate since the current FULLMIGRATING phase began (0 once
// at 100 %, unknown before the progress moved or outside the snapshot).
class ProgressTracker {
 public:
  static constexpr size_t kWindow = 5;
  ProgressView Add(const ProgressSample& sample);

 private:
  absl::optional<double> Eta(const ProgressSample& sample) const;

  std::deque<ProgressSample> window_;
  absl::optional<ProgressSample> phase_start_;
};

// "FULLMIGRATING  42.5%  keys 1200 (300/s)  3.0 MiB  lag 0 B 0.0s  ETA 12s"
std::string RenderLine(const ProgressView& view);
// {"time","status","progress","keys","bytes","keys_per_s","lag_bytes","lag_seconds",
//  "eta_seconds"}; unknown rates are null; time is RFC 3339 UTC with milliseconds.
Json RenderJson(const ProgressView& view);

// Whether `watch` stops at the task `details`' status: nullopt to keep polling; OK at SUCCESS,
// at INCRMIGEATING unless `follow`, at TERMINATED after `follow`; FailedError (exit 1, naming the
// status and the task's error_message) at MIGRATION_FAILED, FAILED, DELETED, and at TERMINATED
// without `follow` (the initial sync did not finish).
absl::optional<absl::Status> WatchEnd(const Json& details, bool follow);

// "512 B", "1.5 KiB", "20.0 MiB", "1.2 GiB".
std::string HumanBytes(int64_t bytes);
// "45s", "3m07s", "2h05m"; "--" when unknown.
std::string HumanDuration(absl::optional<double> seconds);

}  // namespace rms::ctl
