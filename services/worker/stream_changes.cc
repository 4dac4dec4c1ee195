// OnlineMigrationJob::StreamChanges: the incremental phase over one session, on the writer's
// target connection, with checkpoints stored in the background.
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/worker/lost_lease_handover.h"
#include "services/worker/online_migration_job.h"
#include "services/worker/stream_forwarder.h"
#include "services/worker/stream_timing.h"
#include "services/worker/target_fence.h"

namespace rms::worker {
absl::Status OnlineMigrationJob::StreamChanges(engine::replication::ReplicationSession& session,
                                               TaskContext& context) {
  streamed_ = true;
  if (cluster_writer_ != nullptr) return StreamChangesToCluster(session, context);
  absl::StatusOr<engine::redis::RedisClient*> target = node_writer_->LendConnection();
  if (!target.ok()) return Fail("target", target.status());
  engine::writer::StreamPipeline pipeline(**target, {});
  CheckpointPublisher checkpoints(
      [this](const storage::Checkpoint& checkpoint) {
        return store_.WriteCheckpoint(task_.id, task_.lease_epoch, checkpoint);
      },
      kCheckpointInterval);
  const storage::Checkpoint start = resume_.ToCheckpoint(checkpoint_key(), task_.lease_epoch);
  StreamForwarder forwarder(session, pipeline, checkpoints, progress_, start,
                            TransactionLimits{limits_.max_transaction_bytes, limits_.budget});
  absl::Status status;
  {
    // A lost lease stops sending at once; the replies owed are read briefly, then the socket is
    // shut (a send blocked on the target included).
    engine::redis::RedisClient* connection = *target;
    DelayedCancel cut(
        context, [connection] { connection->Cancel(); }, kLostLeaseCutAfter);
    status = forwarder.Run(context);
  }
  if (absl::IsAborted(context.reason()) && forwarder.exact_after_lost_lease()) {
    HandOver(**target, forwarder.applied());
  }
  resume_.Reached(forwarder.applied());
  if (!status.ok() && !context.cancelled()) return Fail("stream", status);
  return context.reason();
}

void OnlineMigrationJob::HandOver(engine::redis::RedisClient& target,
                                  const storage::Checkpoint& applied) {
  const Handover handover{task_.lease_epoch, applied.replid, applied.offset, applied.db};
  if (!target.Command({"CLIENT", "SETNAME", HandoverClientName(task_.id, handover)}).ok()) return;
  LogInfo(absl::StrCat("task ", task_.id, ": lease lost; the target acknowledged the stream up to ",
                       "offset ", applied.offset, ", left there for the next owner"));
  storage::Checkpoint final_position = applied;
  final_position.epoch = task_.lease_epoch;
  HoldHandover(
      target,
      [&] { return store_.WriteCheckpoint(task_.id, task_.lease_epoch, final_position).ok(); },
      kHandoverHold);
}

}  // namespace rms::worker
