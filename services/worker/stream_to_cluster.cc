// OnlineMigrationJob::StreamChangesToCluster: the incremental phase into a Redis Cluster target,
// through the cluster writer's connections (one per master), checkpoints stored in the
// background.
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/worker/cluster_stream_forwarder.h"
#include "services/worker/lost_lease_handover.h"
#include "services/worker/online_migration_job.h"
#include "services/worker/stream_timing.h"
#include "services/worker/target_fence.h"

namespace rms::worker {
absl::Status OnlineMigrationJob::StreamChangesToCluster(
    engine::replication::ReplicationSession& session, TaskContext& context) {
  CheckpointPublisher checkpoints(
      [this](const storage::Checkpoint& checkpoint) {
        return store_.WriteCheckpoint(task_.id, task_.lease_epoch, checkpoint);
      },
      kCheckpointInterval);
  const storage::Checkpoint start = resume_.ToCheckpoint(checkpoint_key(), task_.lease_epoch);
  ClusterStreamForwarder forwarder(session, *cluster_writer_, checkpoints, progress_, start);
  absl::Status status;
  {
    // A lost lease stops sending at once; a send or read still blocked on a master after this
    // long is cut.
    engine::cluster_writer::ClusterTargetWriter* writer = cluster_writer_;
    DelayedCancel cut(
        context, [writer] { writer->Cancel(); }, kLostLeaseCutAfter);
    status = forwarder.Run(context);
  }
  if (absl::IsAborted(context.reason()) && forwarder.exact_after_lost_lease()) {
    HandOverOnEveryMaster(forwarder.applied());
  }
  resume_.Reached(forwarder.applied());
  if (!status.ok() && !context.cancelled()) return Fail("stream", status);
  return context.reason();
}

void OnlineMigrationJob::HandOverOnEveryMaster(const storage::Checkpoint& applied) {
  // Every master applied the stream exactly up to `applied`: each connection is renamed with it,
  // so the next owner's fence finds it on whichever master it reaches first.
  const Handover handover{task_.lease_epoch, applied.replid, applied.offset, applied.db};
  const std::string name = HandoverClientName(task_.id, handover);
  const std::vector<engine::redis::RedisClient*> masters = cluster_writer_->master_connections();
  if (masters.empty()) return;
  for (engine::redis::RedisClient* master : masters) {
    if (!master->Command({"CLIENT", "SETNAME", name}).ok()) return;
  }
  LogInfo(absl::StrCat("task ", task_.id, ": lease lost; every master of the target acknowledged ",
                       "the stream up to offset ", applied.offset,
                       ", left there for the next owner"));
  storage::Checkpoint final_position = applied;
  final_position.epoch = task_.lease_epoch;
  // The other masters' connections stay open (with the same name) while the first is held.
  HoldHandover(
      *masters.front(),
      [&] { return store_.WriteCheckpoint(task_.id, task_.lease_epoch, final_position).ok(); },
      kHandoverHold);
}

}  // namespace rms::worker
