// ShardedSourceJob: an online migration from a Redis Cluster source. Each source master (a
// "shard", named by its slots) is replicated by its own OnlineMigrationJob on its own thread, with
// its own replication link, checkpoint, resume and target connections; keys never move between
// shards, so per-key order holds across them. The task's status, stats and failure are the
// shards' together: FULLMIGRATING while any shard copies a snapshot, INCRMIGRATING once every
// shard streams; one shard's failure stops the others and fails the task.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/crypto/secret_box.h"
#include "services/task_config/task_config.h"
#include "services/worker/engine_limits.h"
#include "services/worker/full_resync_policy.h"
#include "services/worker/job_progress.h"
#include "services/worker/migration_job.h"
#include "services/worker/online_migration_job.h"
#include "services/worker/source_shards.h"
#include "services/worker/token_bucket.h"
#include "storage/worker_store.h"

namespace rms::worker {

class ShardedSourceJob final : public MigrationJob {
 public:
  // `shards`: the source's masters as discovered; the store and box outlive the job.
  ShardedSourceJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                   storage::WorkerStore& store, const crypto::SecretBox& secrets,
                   EngineLimits limits, std::vector<SourceShard> shards);

  absl::Status Run(TaskContext& context, const JobReporter& reporter) override;
  // The shards' counters summed (lag: the largest), plus "shards": one object per shard.
  std::string StatsJson() const override;
  void OnTaskRow(const storage::TaskRecord& row) override;

 private:
  // Before any shard writes: the stored checkpoints must name the shards of today's slot layout,
  // the task's first sync records whether the target held keys, and the positions older owners
  // left on the target are read for every shard.
  absl::Status Prepare(const JobReporter& reporter);
  absl::Status CheckCheckpointsMatchShards();
  std::vector<Handover> ReadHandovers(const std::vector<engine::redis::Endpoint>& target_masters);
  // Runs every shard's job to its end.
  absl::Status RunShards(TaskContext& context, const JobReporter& reporter,
                         std::vector<Handover> handovers);
  // What shard `index` reports, prefixed with its slots; status moves are combined.
  JobReporter ShardReporter(size_t index, const JobReporter& reporter);
  absl::Status ShardTransition(size_t index, task_model::TaskStatus status, absl::string_view code,
                               absl::string_view message, const JobReporter& reporter);

  const storage::TaskRecord task_;
  const task_config::TaskConfig config_;
  storage::WorkerStore& store_;
  const crypto::SecretBox& secrets_;
  const EngineLimits limits_;
  const std::vector<SourceShard> shards_;
  FullResyncPolicy resync_policy_;
  std::vector<engine::redis::Endpoint> target_masters_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<OnlineMigrationJob>> jobs_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<TokenBucket> bucket_ ABSL_GUARDED_BY(mu_);
  std::string live_bandwidth_ ABSL_GUARDED_BY(mu_);
  mutable StatsRenderer renderer_ ABSL_GUARDED_BY(mu_);

  absl::Mutex status_mu_;
  std::vector<task_model::TaskStatus> shard_status_ ABSL_GUARDED_BY(status_mu_);
  task_model::TaskStatus status_ ABSL_GUARDED_BY(status_mu_);  // the task's, as last moved
};

}  // namespace rms::worker
