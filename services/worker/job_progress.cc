// Renders job progress as the stats JSON object of the stats API.
#include "services/worker/job_progress.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "absl/strings/str_format.h"

namespace rms::worker {

void SentTally::Update(uint64_t commands, uint64_t bytes) {
  if (commands < commands_ || bytes < bytes_) commands_ = bytes_ = 0;  // a new writer
  progress_.commands_sent += commands - commands_;
  progress_.bytes_sent += bytes - bytes_;
  commands_ = commands;
  bytes_ = bytes;
}

std::string StatsRenderer::Render(const JobProgress& progress, bool migrating) {
  const absl::Time now = absl::Now();
  const uint64_t bytes = progress.bytes_sent.load();
  const uint64_t commands = progress.commands_sent.load();
  if (last_time_ != absl::InfinitePast()) {
    const double seconds = absl::ToDoubleSeconds(now - last_time_);
    // A new target connection restarts the counters: a negative delta is no sample.
    if (seconds > 0 && bytes >= last_bytes_ && commands >= last_commands_) {
      kbps_ = static_cast<double>(bytes - last_bytes_) / 1024.0 / seconds;
      ops_ = static_cast<double>(commands - last_commands_) / seconds;
    }
  }
  last_time_ = now;
  last_bytes_ = bytes;
  last_commands_ = commands;
  double percent = 0;
  const int64_t size = progress.snapshot_size.load();
  if (progress.snapshot_done.load()) {
    percent = 100;
  } else if (size > 0) {
    percent = std::min(99.99, 100.0 * progress.snapshot_bytes.load() / static_cast<double>(size));
  }
  const int64_t read = progress.read_offset.load();
  const int64_t applied = progress.applied_offset.load();
  // Behind what was read, and behind what the source had written when last sampled.
  const int64_t source = progress.source_offset.load();
  const int64_t lag_bytes = std::max<int64_t>({0, read - applied, source - applied});
  const int64_t unapplied_since = progress.unapplied_since_us.load();
  double lag_seconds = progress.source_behind_us.load() / 1e6;
  if (unapplied_since > 0) {
    lag_seconds = std::max(
        lag_seconds, absl::ToDoubleSeconds(now - absl::FromUnixMicros(unapplied_since)));
  }
  auto count = [](int64_t v) { return v < 0 ? std::string("0") : std::to_string(v); };
  nlohmann::json stats{
      {"full_migration_progress", absl::StrFormat("%.2f", percent)},
      {"offset", std::to_string(progress.applied_offset.load())},
      {"read_offset", std::to_string(progress.read_offset.load())},
      {"source_dbsize", count(progress.source_dbsize.load())},
      {"target_dbsize", count(progress.target_dbsize.load())},
      {"target_input_kbps", absl::StrFormat("%.1f", kbps_)},
      {"target_ops", absl::StrFormat("%.0f", std::round(ops_))},
      {"keys_written", std::to_string(progress.keys_written.load())},
      {"snapshot_bytes", std::to_string(progress.snapshot_bytes.load())},
      {"lag_bytes", std::to_string(lag_bytes)},
      {"lag_seconds", absl::StrFormat("%.3f", lag_seconds)},
      {"throttled_seconds", absl::StrFormat("%.3f", progress.throttled_ms.load() / 1000.0)},
      {"reconnects", std::to_string(progress.reconnects.load())},
      {"full_resyncs", std::to_string(progress.full_resyncs.load())},
      {"is_migrating", migrating},
  };
  return stats.dump();
}

}  // namespace rms::worker
