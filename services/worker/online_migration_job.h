// OnlineMigrationJob: full migration over PSYNC (snapshot to target), then, for
// incremental_migration, the replication stream until the task is stopped, resuming after
// disconnects from the applied offset (resume_mode auto) or failing for an operator (manual).
// Its parts: the resume point (resume_point.h), the stats and probes (online_job_stats.h), the
// full resync policy (full_resync_policy.h), the reconnect rule (reconnect_policy.h); the phase
// sequence of one connection is in sync_phases.cc and stream_changes.cc.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "services/crypto/secret_box.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/replication/replication_session.h"
#include "services/engine/writer/target_sink.h"
#include "services/engine/writer/target_writer.h"
#include "services/task_config/task_config.h"
#include "services/worker/db_mapping.h"
#include "services/worker/engine_limits.h"
#include "services/worker/full_resync_policy.h"
#include "services/worker/job_progress.h"
#include "services/worker/migration_job.h"
#include "services/worker/online_job_stats.h"
#include "services/worker/peer_layout.h"
#include "services/worker/reconnect_policy.h"
#include "services/worker/resume_point.h"
#include "services/worker/shard_role.h"
#include "services/worker/shard_slot_guard.h"
#include "services/worker/target_fence.h"
#include "services/worker/token_bucket.h"
#include "storage/worker_store.h"

namespace rms::worker {

class OnlineMigrationJob final : public MigrationJob {
 public:
  // `task` is the claimed row (id, status, lease epoch); the store and box outlive the job.
  // With `shard`, the job replicates that master of a cluster source (ShardedSourceJob runs one
  // per master): it follows the shard's master after a failover, keeps its checkpoint under the
  // shard's slots, fails when a key of another slot arrives, and a full resync deletes only the
  // shard's keys on the target.
  OnlineMigrationJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                     storage::WorkerStore& store, const crypto::SecretBox& secrets,
                     EngineLimits limits = {}, std::optional<ShardRole> shard = std::nullopt);

  absl::Status Run(TaskContext& context, const JobReporter& reporter) override;
  std::string StatsJson() const override;
  // Live settings from the renewed task row (bandwidth_limit_mb, resume_mode); any thread.
  void OnTaskRow(const storage::TaskRecord& row) override;

  // For a ShardedSourceJob: the counters (any thread), a fresh stats sample into them (the stats
  // thread), and the master replicated now ("host:port"; any thread).
  const JobProgress& progress() const { return progress_; }
  void SampleStats() const { stats_.Sample(std::nullopt); }
  std::string source_address() const;

 private:
  // One connection to the source: PSYNC, snapshot if needed, then the stream until it breaks.
  absl::Status SyncOnce(TaskContext& context, const JobReporter& reporter);
  absl::Status CopyFullSnapshot(engine::replication::ReplicationSession& session,
                                TaskContext& context, const JobReporter& reporter);
  // Before a snapshot: a full resync flushes the target if the policy allows it; the task's
  // first sync measures (and stores) whether the target held keys.
  absl::Status PrepareTargetForSnapshot(const JobReporter& reporter, TaskContext& context);
  // A shard's full resync: deletes the shard's keys on the target instead of FLUSHALL.
  absl::Status DeleteShardKeysOnTarget(const JobReporter& reporter, TaskContext& context);
  // A shard: the master that owns its slots now (a failover moves it), and the slot guard.
  absl::Status FollowShardMaster(const JobReporter& reporter);
  // The checkpoint key: the configured addrs, or a shard's slots.
  const std::string& checkpoint_key() const;
  engine::replication::ByteThrottle* throttle();
  absl::Status StreamChanges(engine::replication::ReplicationSession& session,
                             TaskContext& context);
  // StreamChanges into a Redis Cluster target (stream_to_cluster.cc).
  absl::Status StreamChangesToCluster(engine::replication::ReplicationSession& session,
                                      TaskContext& context);
  // Once per run, until it succeeds: asks the configured nodes whether the source and the target
  // are standalone servers or clusters, and starts the stats probes.
  absl::Status ResolvePeersOnce();
  // Replicates from `source` from now on (the first time, or after a failover): fences it again,
  // names it in the stats and points the stats probes at it.
  void UseSource(engine::redis::Endpoint source);
  // Makes (or remakes, after a target failure) the writer; takes over an older owner's handover.
  absl::Status EnsureWriter(const JobReporter& reporter);
  // EnsureWriter for a Redis Cluster target: every master's connection is fenced when it opens.
  absl::Status EnsureClusterWriter(const JobReporter& reporter);
  void ResetWriter();
  // Resumes after the position an older owner left on the target, when it is ahead of the
  // checkpoint of the same replication history.
  void TakeHandover(const Handover& handover, const JobReporter& reporter);
  // Once per run: closes older owners' replication links on the source (best effort; ABORTED when
  // a newer owner's link is there).
  absl::Status FenceSourceOnce();
  // After a lost lease with an exact final position: leaves it on `target` for the next owner.
  void HandOver(engine::redis::RedisClient& target, const storage::Checkpoint& applied);
  // The same on every master of a cluster target (stream_to_cluster.cc).
  void HandOverOnEveryMaster(const storage::Checkpoint& applied);
  absl::Status MoveTo(const JobReporter& reporter, task_model::TaskStatus status,
                      absl::string_view code, absl::string_view message);
  // Records the snapshot's end as applied (session ACKs, fenced checkpoint, stats).
  absl::Status Checkpoint(engine::replication::ReplicationSession& session);
  // `status` carrying the failure code of `phase` (services/worker/failure_code.h).
  absl::Status Fail(absl::string_view phase, absl::Status status);
  bool Retryable(const absl::Status& status) const;

  const storage::TaskRecord task_;
  const task_config::TaskConfig config_;
  storage::WorkerStore& store_;
  const crypto::SecretBox& secrets_;
  EngineLimits limits_;
  const std::optional<ShardRole> shard_;
  const DbMapping db_mapping_;                         // config_.db_mapping
  std::vector<engine::redis::Endpoint> source_nodes_;  // as configured
  engine::redis::Endpoint source_;                     // the node replicated from
  std::optional<ShardSlotGuard> slot_guard_;           // a shard's, once loaded
  TargetLayout target_;
  bool peers_resolved_ = false;
  std::unique_ptr<engine::writer::TargetSink> writer_;
  engine::writer::TargetWriter* node_writer_ = nullptr;  // writer_, for a standalone target
  engine::cluster_writer::ClusterTargetWriter* cluster_writer_ = nullptr;  // for a cluster
  // Handovers older owners left on the masters, found while the cluster writer connects.
  std::vector<Handover> master_handovers_;
  mutable absl::Mutex live_mu_;  // settings changed while running (OnTaskRow)
  std::unique_ptr<TokenBucket> bucket_ ABSL_GUARDED_BY(live_mu_);
  std::string live_bandwidth_ ABSL_GUARDED_BY(live_mu_);
  std::string source_address_ ABSL_GUARDED_BY(live_mu_);
  task_model::TaskStatus status_;  // the task's status as this job last set it
  ResumePoint resume_;
  FullResyncPolicy own_resync_policy_;
  FullResyncPolicy& resync_policy_;  // own_resync_policy_, or the shards' shared one
  bool streamed_ = false;            // the last session reached the stream (resets the back-off)
  bool source_fenced_ = false;       // FenceSourceOnce ran
  std::atomic<bool> manual_{false};
  JobProgress progress_;  // atomics; the stats thread fills the db sizes
  OnlineJobStats stats_;
};

}  // namespace rms::worker
