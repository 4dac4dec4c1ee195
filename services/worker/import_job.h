// ImportJob: loads RDB backup files from the import directory into the target.
#pragma once

#include <string>

#include "absl/synchronization/mutex.h"
#include "services/crypto/secret_box.h"
#include "services/task_config/task_config.h"
#include "services/worker/job_progress.h"
#include "services/worker/migration_job.h"
#include "services/worker/snapshot_copy.h"

namespace rms::worker {

class ImportJob final : public MigrationJob {
 public:
  // `copy` says how each file is copied (migrationd --snapshot-threads).
  ImportJob(task_config::TaskConfig config, std::string import_dir,
            const crypto::SecretBox& secrets, SnapshotCopyOptions copy = {});
  // Files are loaded in the order given, each through the same writer as a full migration.
  absl::Status Run(TaskContext& context, const JobReporter& reporter) override;
  std::string StatsJson() const override;

 private:
  const task_config::TaskConfig config_;
  const std::string import_dir_;
  const crypto::SecretBox& secrets_;
  const SnapshotCopyOptions copy_;
  JobProgress progress_;
  mutable absl::Mutex stats_mu_;
  mutable StatsRenderer renderer_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace rms::worker
