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
  std::atomic<int64_t> caught_up_at_us{0};  // last time applied == read (unix micros)
  std::atomic<int64_t> throttled_ms{0};      // time spent waiting for the bandwidth limit
  std::atomic<uint64_t> reconnects{0};
  std::atomic<int64_t> source_dbsize{-1};
  std::atomic<int64_t> target_dbsize{-1};
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
