// OnlineJobStats: the stats JSON of an online migration (counters plus DBSIZE and source offset
// probes) and the SOURCE_BUFFER_NEAR_LIMIT warning taken from the same samples.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"
#include "services/worker/dbsize_probe.h"
#include "services/worker/job_progress.h"
#include "services/worker/source_offset_probe.h"
#include "storage/records.h"
#include "storage/worker_store.h"

namespace rms::worker {

class OnlineJobStats {
 public:
  // `progress` is the job's tally; it, the store and `task` outlive this.
  OnlineJobStats(const storage::TaskRecord& task, storage::WorkerStore& store,
                 JobProgress& progress);

  // Starts probing the key counts of the source and of the target (summed over a cluster's
  // masters; none when `target_masters` is empty) and, for incremental tasks, the source's offset.
  void StartProbes(const engine::redis::Endpoint& source,
                   const std::vector<engine::redis::Endpoint>& target_masters, bool incremental);
  // The job ended: the next rendering forces fresh probe samples (the final numbers).
  void MarkFinished() { finished_ = true; }
  // The stats JSON; `throttled` is the time spent waiting for bandwidth_limit_mb, if throttled.
  // Any thread; probes run on the caller's thread.
  std::string Render(std::optional<absl::Duration> throttled) const;
  // Render's sampling without the rendering: the probes' numbers (and `throttled`) into progress.
  void Sample(std::optional<absl::Duration> throttled) const;

 private:
  // Logs SOURCE_BUFFER_NEAR_LIMIT (at most every 5 minutes) when the source holds more of the
  // stream for this link than ReplicaBufferLimit::WarnAt().
  void WarnNearBufferLimit() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SampleLocked(std::optional<absl::Duration> throttled) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string task_id_;
  const int64_t epoch_;
  storage::WorkerStore& store_;
  JobProgress& progress_;
  mutable std::atomic<bool> finished_{false};
  mutable absl::Mutex mu_;
  mutable StatsRenderer renderer_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<DbSizeProbe> source_probe_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<DbSizeProbe> target_probe_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<SourceOffsetProbe> offset_probe_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time next_buffer_warning_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace rms::worker
