// OnlineMigrationJob: full migration over PSYNC (snapshot to target), then, for
// incremental_migration, the replication stream until the task is stopped, resuming after
// disconnects from the applied offset (resume_mode auto) or failing for an operator (manual).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/crypto/secret_box.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/replication/replication_session.h"
#include "services/engine/writer/target_writer.h"
#include "services/task_config/task_config.h"
#include "services/worker/engine_limits.h"
#include "services/worker/dbsize_probe.h"
#include "services/worker/job_progress.h"
#include "services/worker/migration_job.h"
#include "services/worker/source_offset_probe.h"
#include "services/worker/token_bucket.h"
#include "storage/worker_store.h"

namespace rms::worker {

class OnlineMigrationJob final : public MigrationJob {
 public:
  // `task` is the claimed row (id, status, lease epoch); the store and box outlive the job.
  OnlineMigrationJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                     storage::WorkerStore& store, const crypto::SecretBox& secrets,
                     EngineLimits limits = {});

  absl::Status Run(TaskContext& context, const JobReporter& reporter) override;
  std::string StatsJson() const override;
  // Live settings from the renewed task row (bandwidth_limit_mb, resume_mode); any thread.
  void OnTaskRow(const storage::TaskRecord& row) override;

 private:
  // One connection to the source: PSYNC, snapshot if needed, then the stream until it breaks.
  absl::Status SyncOnce(TaskContext& context, const JobReporter& reporter);
  absl::Status CopyFullSnapshot(engine::replication::ReplicationSession& session,
                                TaskContext& context, const JobReporter& reporter);
  // Whether the full_resync_policy lets a full resync flush the target; else
  // FAILED_PRECONDITION with error code FULL_RESYNC_REFUSED.
  absl::Status AllowFullResync();
  absl::Status StreamChanges(engine::replication::ReplicationSession& session,
                             TaskContext& context);
  // Makes (or remakes, after a target failure) the writer.
  absl::Status EnsureWriter();
  absl::Status MoveTo(const JobReporter& reporter, task_model::TaskStatus status,
                      absl::string_view code, absl::string_view message);
  // Records `offset` as applied (session ACKs, fenced checkpoint in PostgreSQL, stats).
  absl::Status Checkpoint(engine::replication::ReplicationSession& session, int64_t offset);
  // `status` carrying the failure code of `phase` (services/worker/failure_code.h).
  absl::Status Fail(absl::string_view phase, absl::Status status);
  // Logs SOURCE_BUFFER_NEAR_LIMIT (at most every 5 minutes) when the source holds more of the
  // stream for this link than ReplicaBufferLimit::WarnAt(). Stats thread, stats_mu_ held.
  void WarnNearBufferLimit() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(stats_mu_);
  // Whether a failure may be retried by reconnecting (resume_mode auto, after the first sync).
  bool Retryable(const absl::Status& status) const;

  const storage::TaskRecord task_;
  const task_config::TaskConfig config_;
  storage::WorkerStore& store_;
  const crypto::SecretBox& secrets_;
  EngineLimits limits_;
  engine::redis::Endpoint source_;
  engine::redis::Endpoint target_;
  std::unique_ptr<engine::writer::TargetWriter> writer_;
  mutable absl::Mutex live_mu_;  // settings changed while running (OnTaskRow)
  std::unique_ptr<TokenBucket> bucket_ ABSL_GUARDED_BY(live_mu_);
  std::string live_bandwidth_ ABSL_GUARDED_BY(live_mu_);
  task_model::TaskStatus status_;  // the task's status as this job last set it
  std::string replid_;         // resume point: "" = full resync
  int64_t applied_ = -1;       // last offset applied to the target
  std::vector<int64_t> skip_offsets_;  // commands after applied_ the target already applied
  bool synced_once_ = false;   // the target holds a snapshot of this source
  // Whether the target held no keys when this job ran the task's first sync; nullopt when this
  // job did not run it (resumed from a checkpoint) or could not count them.
  std::optional<bool> target_empty_at_first_sync_;
  int current_db_ = 0;         // db of the last SELECT forwarded (Redis does not repeat it
                               // after +CONTINUE)
  bool streamed_ = false;      // the last session reached the stream (resets the back-off)
  std::atomic<bool> manual_{false};
  mutable JobProgress progress_;  // atomics; the stats thread fills the db sizes
  mutable std::atomic<bool> finished_{false};  // Run returned: the next stats are the final ones
  mutable absl::Mutex stats_mu_;
  mutable StatsRenderer renderer_ ABSL_GUARDED_BY(stats_mu_);
  mutable std::unique_ptr<DbSizeProbe> source_probe_ ABSL_GUARDED_BY(stats_mu_);
  mutable std::unique_ptr<DbSizeProbe> target_probe_ ABSL_GUARDED_BY(stats_mu_);
  mutable std::unique_ptr<SourceOffsetProbe> offset_probe_ ABSL_GUARDED_BY(stats_mu_);
  mutable absl::Time next_buffer_warning_ ABSL_GUARDED_BY(stats_mu_) = absl::InfinitePast();
};

// Capped exponential back-off with jitter for reconnect attempt `attempt` (0-based): about
// 0.5 s, 1 s, 2 s ... up to 30 s, each +-20 %.
absl::Duration ReconnectDelay(int attempt);

}  // namespace rms::worker
