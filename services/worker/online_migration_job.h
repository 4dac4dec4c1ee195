// OnlineMigrationJob: full migration over PSYNC (snapshot to target), then, for
// incremental_migration, the replication stream until the task is stopped.
#pragma once

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "services/crypto/secret_box.h"
#include "services/engine/replication/replication_session.h"
#include "services/engine/writer/target_writer.h"
#include "services/task_config/task_config.h"
#include "services/worker/dbsize_probe.h"
#include "services/worker/job_progress.h"
#include "services/worker/migration_job.h"
#include "storage/worker_store.h"

namespace rms::worker {

class OnlineMigrationJob final : public MigrationJob {
 public:
  // `task` is the claimed row (id, status, lease epoch); the stores and box outlive the job.
  OnlineMigrationJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                     storage::WorkerStore& store, const crypto::SecretBox& secrets);

  absl::Status Run(TaskContext& context, const JobReporter& reporter) override;
  std::string StatsJson() const override;
  std::string error_code() const override { return error_code_; }

 private:
  // Fails with `phase`'s log code recorded.
  absl::Status Fail(absl::string_view phase, absl::Status status);
  // Forwards the replication stream to the target until cancelled or broken.
  absl::Status StreamChanges(engine::replication::ReplicationSession& session,
                             engine::writer::TargetWriter& writer, TaskContext& context);
  // Records the applied offset (session ACKs, checkpoint in PostgreSQL, stats).
  absl::Status Checkpoint(engine::replication::ReplicationSession& session, int64_t offset);

  const storage::TaskRecord task_;
  const task_config::TaskConfig config_;
  storage::WorkerStore& store_;
  const crypto::SecretBox& secrets_;
  mutable JobProgress progress_;  // atomics; the stats thread fills the db sizes
  std::atomic<bool> streaming_{false};
  mutable std::atomic<bool> finished_{false};  // Run returned: the next stats are the final ones
  mutable absl::Mutex stats_mu_;
  mutable StatsRenderer renderer_ ABSL_GUARDED_BY(stats_mu_);
  // Set once the endpoints are known (Run); read by the stats thread.
  mutable std::unique_ptr<DbSizeProbe> source_probe_ ABSL_GUARDED_BY(stats_mu_);
  mutable std::unique_ptr<DbSizeProbe> target_probe_ ABSL_GUARDED_BY(stats_mu_);
  std::string error_code_ = "MIGRATION_FAILED";
};

}  // namespace rms::worker
