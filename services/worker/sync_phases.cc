// OnlineMigrationJob's phase sequence over one source connection: PSYNC, then a snapshot
// (+FULLRESYNC) or the continued stream (+CONTINUE), then, for incremental tasks, the stream.
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/worker/dbsize_probe.h"
#include "services/worker/online_migration_job.h"
#include "services/worker/shard_keys_delete.h"
#include "services/worker/snapshot_copy.h"
#include "services/worker/target_fence.h"

namespace rms::worker {

using engine::replication::ReplicationSession;

absl::Status OnlineMigrationJob::SyncOnce(TaskContext& context, const JobReporter& reporter) {
  if (absl::Status s = ResolvePeersOnce(); !s.ok()) return s;
  if (absl::Status s = FollowShardMaster(reporter); !s.ok()) return s;
  if (absl::Status s = EnsureWriter(reporter); !s.ok()) return s;
  if (absl::Status s = FenceSourceOnce(); !s.ok()) return s;
  engine::replication::SessionOptions options;
  options.client_name = ApplierClientName(task_.id, task_.lease_epoch);
  options.throttle = throttle();
  if (!db_mapping_.empty()) {
    options.command_rewrite = [this](absl::Span<const absl::string_view> args) {
      return db_mapping_.MapCommand(args);
    };
  }
  if (slot_guard_) {
    options.command_check = [this](absl::Span<const absl::string_view> args) {
      return slot_guard_->Check(args);
    };
  }
  options.max_command_bytes = limits_.max_command_bytes;
  options.memory_budget = limits_.budget;
  std::unique_ptr<ReplicationSession> session = ReplicationSession::Create(source_, options);
  const int link = context.OnCancel([&session] { session->Cancel(); });
  absl::Status status = session->Start(resume_.replid, resume_.applied);
  if (status.ok() && session->reply().full_resync) {
    status = CopyFullSnapshot(*session, context, reporter);
  } else if (status.ok()) {
    reporter.log(
        "info", "PARTIAL_RESYNC",
        absl::StrCat("+CONTINUE: the source resumed the stream after offset ", resume_.applied));
    resume_.replid = session->reply().replid;
    progress_.snapshot_done = true;
    // The source does not repeat SELECT after +CONTINUE: restore the stream's database.
    status = writer_->ApplyCommand({"SELECT", std::to_string(resume_.db)});
    if (!status.ok()) status = Fail("target", status);
  } else {
    status = Fail("source", status);
  }
  if (status.ok() && config_.migration_method == "incremental_migration") {
    status = MoveTo(reporter, task_model::TaskStatus::kIncrMigrating, "INCR_SYNC_STARTED",
                    "snapshot applied; forwarding the replication stream");
    if (status.ok()) status = StreamChanges(*session, context);
  }
  context.Unregister(link);
  return status;
}

absl::Status OnlineMigrationJob::FollowShardMaster(const JobReporter& reporter) {
  if (!shard_) return absl::OkStatus();
  // The first run resolved it just now; later runs (after a lost link) ask the cluster again.
  if (slot_guard_) {
    absl::StatusOr<engine::redis::Endpoint> master = FindShardMaster(source_nodes_, shard_->shard);
    if (!master.ok()) return Fail("source", master.status());
    if (master->Describe() != source_.Describe()) {
      reporter.log("warning", "SOURCE_FAILOVER",
                   absl::StrCat("the shard's master moved from ", source_.Describe(), " to ",
                                master->Describe(), " (a failover): continuing there after offset ",
                                resume_.applied));
      UseSource(*std::move(master));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<engine::redis::RedisClient>> client =
      engine::redis::RedisClient::Connect(source_);
  if (!client.ok()) return Fail("source", client.status());
  absl::StatusOr<ShardSlotGuard> guard = ShardSlotGuard::Load(**client, shard_->shard);
  if (!guard.ok()) return Fail("source", guard.status());
  slot_guard_ = *std::move(guard);
  return absl::OkStatus();
}

absl::Status OnlineMigrationJob::DeleteShardKeysOnTarget(const JobReporter& reporter,
                                                         TaskContext& context) {
  reporter.log("warning", "FULL_RESYNC",
               absl::StrCat("the source cannot continue after offset ", resume_.applied,
                            " (its backlog no longer holds it): deleting this shard's keys on "
                            "the target and copying a new snapshot"));
  absl::StatusOr<uint64_t> deleted = DeleteShardKeys(target_.masters, shard_->shard.owned, context);
  if (!deleted.ok())
    return context.cancelled() ? context.reason() : Fail("target", deleted.status());
  LogInfo(absl::StrCat("task ", task_.id, ": deleted ", *deleted, " keys of shard ",
                       shard_->shard.slots, " on the target before its new snapshot"));
  ++progress_.full_resyncs;
  return absl::OkStatus();
}

absl::Status OnlineMigrationJob::PrepareTargetForSnapshot(const JobReporter& reporter,
                                                          TaskContext& context) {
  if (resume_.synced_once) {
    RETURN_IF_ERROR(resync_policy_.AllowFlush(resume_.applied));
    if (shard_) return DeleteShardKeysOnTarget(reporter, context);
    reporter.log("warning", "FULL_RESYNC",
                 absl::StrCat("the source cannot continue after offset ", resume_.applied,
                              " (its backlog no longer holds it): flushing the target and "
                              "copying a new snapshot"));
    if (absl::Status s = writer_->ApplyCommand({"FLUSHALL"}); !s.ok()) return Fail("target", s);
    ++progress_.full_resyncs;
  } else if (!shard_ && !resync_policy_.first_sync_recorded()) {  // a shard's parent did it
    const bool empty = DbSizeProbe(target_.masters).Get(/*force=*/true) == 0;
    if (absl::Status s = resync_policy_.RecordFirstSync(empty); !s.ok()) {
      LogWarning(absl::StrCat("task ", task_.id,
                              ": could not store whether the target held keys "
                              "at the first sync: ",
                              s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status OnlineMigrationJob::CopyFullSnapshot(ReplicationSession& session, TaskContext& context,
                                                  const JobReporter& reporter) {
  RETURN_IF_ERROR(PrepareTargetForSnapshot(reporter, context));
  absl::Status moved = MoveTo(
      reporter, task_model::TaskStatus::kFullMigrating, "FULL_SYNC_STARTED",
      absl::StrCat("copying the snapshot of ", source_.Describe(), " to ",
                   target_.cluster ? absl::StrCat("the Redis Cluster of ", target_.masters.size(),
                                                  " masters at ", config_.target->addrs)
                                   : target_.nodes.front().Describe()));
  if (!moved.ok()) return moved;
  progress_.snapshot_done = false;
  progress_.source_offset = -1;  // lag is measured again once the stream runs
  progress_.source_behind_us = 0;
  progress_.snapshot_size = session.snapshot_size();
  auto warn = [&](const std::string& w) { reporter.log("warning", "TARGET_WARNING", w); };
  SnapshotCopyOptions copy_options;
  copy_options.writer_thread = limits_.snapshot_writer_thread;
  absl::Status status = CopySnapshot(session.snapshot(), *writer_, progress_, context, warn,
                                     &db_mapping_, copy_options);
  if (!status.ok()) return context.cancelled() ? context.reason() : Fail("snapshot", status);
  reporter.log("info", "FULL_SYNC_DONE",
               absl::StrCat("snapshot copied: ", progress_.keys_written.load(), " keys, ",
                            progress_.snapshot_bytes.load(), " RDB bytes"));
  resume_.StartHistory(session.reply().replid, session.reply().offset);
  return Checkpoint(session);
}

absl::Status OnlineMigrationJob::Checkpoint(ReplicationSession& session) {
  (void)session.SetAppliedOffset(resume_.applied);
  progress_.applied_offset = resume_.applied;
  progress_.read_offset = session.read_offset();
  return store_.WriteCheckpoint(task_.id, task_.lease_epoch,
                                resume_.ToCheckpoint(checkpoint_key(), task_.lease_epoch));
}

}  // namespace rms::worker
