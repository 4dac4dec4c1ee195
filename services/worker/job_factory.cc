// The JobFactory of migrationd: an online migration or a backup import, from the task's config.
#include "services/worker/job_factory.h"

#include "absl/strings/str_cat.h"
#include "services/worker/import_job.h"
#include "services/worker/online_task_job.h"

namespace rms::worker {

JobFactory MakeJobFactory(storage::WorkerStore& store, const crypto::SecretBox& secrets,
                          std::string import_dir, EngineLimits limits) {
  return [&store, &secrets, import_dir, limits](
             const storage::TaskRecord& task) -> absl::StatusOr<std::unique_ptr<MigrationJob>> {
    absl::StatusOr<task_config::TaskConfig> config =
        task_config::TaskConfigFromJson(task.config_json);
    if (!config.ok()) return absl::InvalidArgumentError("the task's stored config is unreadable");
    if (task.kind == "backupfile_import") {
      // A project reads only <import-dir>/<project_id>/ (ids cannot contain '/' or start with '.').
      SnapshotCopyOptions copy;
      copy.writer_thread = limits.snapshot_writer_thread;
      return std::make_unique<ImportJob>(
          *std::move(config), absl::StrCat(import_dir, "/", task.project_id), secrets, copy);
    }
    if (task.kind == "online_migration") {
      return std::make_unique<OnlineTaskJob>(task, *std::move(config), store, secrets, limits);
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown task kind '", task.kind, "'"));
  };
}

}  // namespace rms::worker
