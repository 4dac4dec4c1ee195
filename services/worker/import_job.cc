// ImportJob: loads RDB backup files from the import directory into the target.
#include "services/worker/import_job.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/writer/target_writer.h"
#include "services/worker/endpoints.h"
#include "services/worker/failure_code.h"
#include "services/worker/import_path.h"
#include "services/worker/peer_layout.h"
#include "services/worker/snapshot_copy.h"

namespace rms::worker {

ImportJob::ImportJob(task_config::TaskConfig config, std::string import_dir,
                     const crypto::SecretBox& secrets, SnapshotCopyOptions copy)
    : config_(std::move(config)),
      import_dir_(std::move(import_dir)),
      secrets_(secrets),
      copy_(copy) {}

std::string ImportJob::StatsJson() const {
  absl::MutexLock lock(&stats_mu_);
  return renderer_.Render(progress_, /*migrating=*/true);
}

absl::Status ImportJob::Run(TaskContext& context, const JobReporter& reporter) {
  if (!config_.target) {
    return WithFailureCode(absl::InvalidArgumentError("the import task has no target"),
                           "INVALID_TASK_CONFIG");
  }
  std::vector<std::string> paths;
  int64_t total = 0;
  for (const task_config::ImportFile& file : config_.files) {
    absl::StatusOr<std::string> path = ResolveImportFile(import_dir_, file.file_name);
    if (!path.ok()) return WithFailureCode(path.status(), "BACKUP_FILE_INVALID");
    struct stat info {};
    if (::stat(path->c_str(), &info) == 0) total += info.st_size;
    paths.push_back(*std::move(path));
  }
  progress_.snapshot_size = total;
  auto nodes = ToEngineEndpoints(*config_.target, secrets_, "target");
  if (!nodes.ok()) return WithFailureCode(nodes.status(), FailureCode("target", nodes.status()));
  absl::StatusOr<TargetLayout> target = ResolveTarget(*nodes);
  if (!target.ok()) return WithFailureCode(target.status(), FailureCode("target", target.status()));
  absl::Status moved = reporter.transition(
      task_model::TaskStatus::kFullMigrating, "IMPORT_STARTED",
      absl::StrCat("importing ", paths.size(), " backup file(s) into ",
                   target->cluster ? absl::StrCat("the Redis Cluster of ", target->masters.size(),
                                                  " masters at ", config_.target->addrs)
                                   : target->nodes.front().Describe()));
  if (!moved.ok()) return moved;
  // Every key goes to the master owning its slot when the target is a cluster.
  absl::StatusOr<std::unique_ptr<engine::writer::TargetSink>> writer;
  if (target->cluster) {
    writer = engine::cluster_writer::ClusterTargetWriter::Connect(target->nodes, {});
  } else {
    writer = engine::writer::TargetWriter::Connect(target->nodes.front(), {});
  }
  if (!writer.ok()) return WithFailureCode(writer.status(), FailureCode("target", writer.status()));
  auto warn = [&](const std::string& w) { reporter.log("warning", "TARGET_WARNING", w); };
  uint64_t done_bytes = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto source = engine::io::FileByteSource::Open(paths[i]);
    if (!source.ok()) return WithFailureCode(source.status(), "BACKUP_FILE_INVALID");
    JobProgress file_progress;
    absl::Status status =
        CopySnapshot(**source, **writer, file_progress, context, warn, nullptr, copy_);
    done_bytes += file_progress.snapshot_bytes.load();
    progress_.snapshot_bytes = done_bytes;
    progress_.keys_written = file_progress.keys_written.load();
    progress_.commands_sent += file_progress.commands_sent.load();
    progress_.bytes_sent += file_progress.bytes_sent.load();
    if (!status.ok()) {
      if (context.cancelled()) return context.reason();
      return WithFailureCode(absl::Status(status.code(), absl::StrCat(config_.files[i].file_name,
                                                                      ": ", status.message())),
                             FailureCode("snapshot", status));
    }
    reporter.log("info", "IMPORT_FILE_DONE", absl::StrCat(config_.files[i].file_name, " imported"));
  }
  progress_.snapshot_done = true;
  return absl::OkStatus();
}

}  // namespace rms::worker
