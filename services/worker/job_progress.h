// JobProgress: the counters a running job shares with the stats reporter (atomics, any thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rms::worker {

struct JobProgress {
  std::atomic<uint64_t> snapshot_bytes{0};   // RDB bytes read
  std::atomic<int64_t> snapshot_size{-1};    // announced RDB size; -1 unknown (diskless)
  std::atomic<bool> snapshot_done{false};
  std::atomic<uint64_t> keys_written{0};
  std::atomic<uint64_t> commands_sent{0};    // acknowledged by the target
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<int64_t> read_offset{0};       // replication offset read from the source
  std::atomic<int64_t> applied_offset{0};    // replication offset applied to the target
  // When the oldest command read but not yet applied was read (unix micros); 0 when none.
  std::atomic<int64_t> unapplied_since_us{0};
  std::atomic<int64_t> source_offset{-1};     // the source's master_repl_offset, last sampled
  std::atomic<int64_t> source_behind_us{0};   // since the source wrote past applied_offset
  std::atomic<int64_t> throttled_ms{0};      // time spent waiting for the bandwidth limit
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> full_resyncs{0};  // snapshots copied again after a lost link
  std::atomic<int64_t> source_dbsize{-1};
  std::atomic<int64_t> target_dbsize{-1};
};

// Adds a writer's growing counters (acknowledged commands and bytes) to the job's totals, so
// the totals keep growing when a reconnect starts a new writer at 0. One thread.
class SentTally {
 public:
  explicit SentTally(JobProgress& progress) : progress_(progress) {}
  // The writer's current counters; smaller ones than last time mean a new writer.
  void Update(uint64_t commands, uint64_t bytes);

 private:
  JobProgress& progress_;
  uint64_t commands_ = 0;
  uint64_t bytes_ = 0;
};

// Renders progress as the stats JSON object; keeps the previous sample to compute rates.
// One thread (the lease keeper) calls Render.
class StatsRenderer {
 public:
  std::string Render(const JobProgress& progress, bool migrating);

 private:
  absl::Time last_time_ = absl::InfinitePast();
  uint64_t last_bytes_ = 0;
  uint64_t last_commands_ = 0;
  double kbps_ = 0;
  double ops_ = 0;
};

}  // namespace rms::worker
