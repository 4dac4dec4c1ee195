// OnlineMigrationJob: PSYNC snapshot to the target, then (incremental) the replication stream.
#include "services/worker/online_migration_job.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/worker/endpoints.h"
#include "services/worker/snapshot_copy.h"

namespace rms::worker {
namespace {

using engine::replication::ReplicationSession;
using engine::writer::TargetWriter;

constexpr size_t kMaxBatchCommands = 1000;
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);
constexpr absl::Duration kCheckpointInterval = absl::Seconds(1);

bool IsPing(const std::vector<std::string>& args) {
  return args.size() == 1 && absl::EqualsIgnoreCase(args[0], "PING");
}

}  // namespace

OnlineMigrationJob::OnlineMigrationJob(const storage::TaskRecord& task,
                                       task_config::TaskConfig config,
                                       storage::WorkerStore& store,
                                       const crypto::SecretBox& secrets)
    : task_(task), config_(std::move(config)), store_(store), secrets_(secrets) {}

absl::Status OnlineMigrationJob::Fail(absl::string_view phase, absl::Status status) {
  error_code_ = FailureCode(phase, status);
  return status;
}

std::string OnlineMigrationJob::StatsJson() const {
  absl::MutexLock lock(&stats_mu_);
  const bool final_sample = finished_.exchange(false);
  if (source_probe_) progress_.source_dbsize = source_probe_->Get(final_sample);
  if (target_probe_) progress_.target_dbsize = target_probe_->Get(final_sample);
  return renderer_.Render(progress_, /*migrating=*/true);
}

absl::Status OnlineMigrationJob::Run(TaskContext& context, const JobReporter& reporter) {
  if (!config_.source || !config_.target) {
    return Fail("source", absl::InvalidArgumentError("the task has no source or target"));
  }
  auto source = ToEngineEndpoint(*config_.source, secrets_, "source");
  if (!source.ok()) return Fail("source", source.status());
  auto target = ToEngineEndpoint(*config_.target, secrets_, "target");
  if (!target.ok()) return Fail("target", target.status());
  {
    absl::MutexLock lock(&stats_mu_);
    source_probe_ = std::make_unique<DbSizeProbe>(*source);
    target_probe_ = std::make_unique<DbSizeProbe>(*target);
  }
  if (task_.status != "FULLMIGRATING") {
    absl::Status moved = reporter.transition(
        "FULLMIGRATING", "FULL_SYNC_STARTED",
        absl::StrCat("copying the snapshot of ", source->Describe(), " to ", target->Describe()));
    if (!moved.ok()) return moved;
  }
  auto writer = TargetWriter::Connect(*target, engine::writer::TargetWriterOptions{});
  if (!writer.ok()) return Fail("target", writer.status());
  std::unique_ptr<ReplicationSession> session = ReplicationSession::Create(*source);
  const int link = context.OnCancel([&session] { session->Cancel(); });
  absl::Status status = session->Start("", -1);
  if (!status.ok()) {
    context.Unregister(link);
    return context.cancelled() ? context.reason() : Fail("source", status);
  }
  progress_.snapshot_size = session->snapshot_size();
  auto warn = [&](const std::string& warning) { reporter.log("warning", "TARGET_WARNING", warning); };
  status = CopySnapshot(session->snapshot(), **writer, progress_, context, warn);
  if (!status.ok()) {
    context.Unregister(link);
    return context.cancelled() ? context.reason() : Fail("snapshot", status);
  }
  reporter.log("info", "FULL_SYNC_DONE",
               absl::StrCat("snapshot copied: ", progress_.keys_written.load(), " keys, ",
                            progress_.snapshot_bytes.load(), " RDB bytes"));
  status = Checkpoint(*session, session->reply().offset);
  if (status.ok() && config_.migration_method == "incremental_migration") {
    status = reporter.transition("INCRMIGEATING", "INCR_SYNC_STARTED",
                                 "snapshot applied; forwarding the replication stream");
    if (status.ok()) status = StreamChanges(*session, **writer, context);
  }
  context.Unregister(link);
  finished_ = true;
  return status;
}

absl::Status OnlineMigrationJob::Checkpoint(ReplicationSession& session, int64_t offset) {
  (void)session.SetAppliedOffset(offset);
  progress_.applied_offset = offset;
  progress_.read_offset = session.read_offset();
  return store_.WriteCheckpoint(task_.id, task_.lease_epoch,
                                storage::Checkpoint{"", session.reply().replid, offset, 0});
}

absl::Status OnlineMigrationJob::StreamChanges(ReplicationSession& session, TargetWriter& writer,
                                               TaskContext& context) {
  streaming_ = true;
  int64_t pending_offset = session.reply().offset;
  int64_t applied = pending_offset;
  size_t batch = 0;
  absl::Time next_checkpoint = absl::Now() + kCheckpointInterval;
  while (true) {
    // Take what is already buffered without waiting; wait only when there is nothing to flush.
    const absl::Time deadline = batch > 0 ? absl::Now() : absl::Now() + kIdleWait;
    absl::StatusOr<engine::replication::ReplicatedCommand> command = session.NextCommand(deadline);
    const bool idle = absl::IsDeadlineExceeded(command.status());
    if (!command.ok() && !idle) {
      if (context.cancelled()) break;
      return Fail("stream", command.status());
    }
    if (command.ok()) {
      if (!IsPing(command->args)) {
        if (absl::Status s = writer.ApplyCommand(command->args); !s.ok()) return Fail("stream", s);
        ++batch;
      }
      pending_offset = command->offset;
      progress_.read_offset = session.read_offset();
    }
    if ((idle || batch >= kMaxBatchCommands) && pending_offset != applied) {
      if (absl::Status s = writer.Flush(); !s.ok()) return Fail("stream", s);
      applied = pending_offset;
      batch = 0;
      (void)session.SetAppliedOffset(applied);
      progress_.applied_offset = applied;
      const engine::writer::TargetWriterStats stats = writer.stats();
      progress_.commands_sent = stats.commands_sent;
      progress_.bytes_sent = stats.bytes_sent;
    }
    if (absl::Now() >= next_checkpoint) {
      (void)session.SendAck();
      if (absl::Status s = Checkpoint(session, applied); !s.ok()) return s;
      next_checkpoint = absl::Now() + kCheckpointInterval;
    }
    if (context.cancelled()) break;
  }
  // Stopped: everything read so far is applied and checkpointed before the task ends.
  if (absl::Status s = writer.Flush(); !s.ok()) return Fail("stream", s);
  if (absl::Status s = Checkpoint(session, pending_offset); !s.ok()) return s;
  return context.reason();
}

}  // namespace rms::worker
