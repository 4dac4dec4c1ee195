// OnlineTaskJob: the job of an online_migration task. It asks the source whether it is a
// standalone server or a Redis Cluster, then runs an OnlineMigrationJob (one replication link) or
// a ShardedSourceJob (one link per source master).
#pragma once

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "services/crypto/secret_box.h"
#include "services/task_config/task_config.h"
#include "services/worker/engine_limits.h"
#include "services/worker/migration_job.h"
#include "storage/worker_store.h"

namespace rms::worker {

class OnlineTaskJob final : public MigrationJob {
 public:
  OnlineTaskJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                storage::WorkerStore& store, const crypto::SecretBox& secrets,
                EngineLimits limits = {});

  absl::Status Run(TaskContext& context, const JobReporter& reporter) override;
  std::string StatsJson() const override;
  void OnTaskRow(const storage::TaskRecord& row) override;

 private:
  // The job for the source as it answers now. A source that does not answer gets the
  // single-link job (its own retry rules apply), unless the task already streams from a cluster
  // (stored shard checkpoints): then discovery is retried until the cluster answers.
  absl::StatusOr<std::unique_ptr<MigrationJob>> ChooseJob(TaskContext& context,
                                                          const JobReporter& reporter);
  bool StreamsFromCluster() const;

  const storage::TaskRecord task_;
  const task_config::TaskConfig config_;
  storage::WorkerStore& store_;
  const crypto::SecretBox& secrets_;
  const EngineLimits limits_;
  mutable absl::Mutex mu_;
  std::unique_ptr<MigrationJob> job_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<storage::TaskRecord> last_row_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::worker
