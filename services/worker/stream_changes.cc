// OnlineMigrationJob::StreamChanges: the incremental phase over one session, on the writer's
// target connection, with checkpoints stored in the background.
#include "services/worker/online_migration_job.h"
#include "services/worker/stream_forwarder.h"

namespace rms::worker {
namespace {

// The applied position is stored at least every second (the contract) and when the stream stops;
// 200 ms keeps what a crashed worker's successor applies twice small, at 5 small commits a second
// per streaming task, off the apply path.
constexpr absl::Duration kCheckpointInterval = absl::Milliseconds(200);

}  // namespace

absl::Status OnlineMigrationJob::StreamChanges(engine::replication::ReplicationSession& session,
                                               TaskContext& context) {
  streamed_ = true;
  absl::StatusOr<engine::redis::RedisClient*> target = writer_->LendConnection();
  if (!target.ok()) return Fail("target", target.status());
  engine::writer::StreamPipeline pipeline(**target, {});
  CheckpointPublisher checkpoints(
      [this](const storage::Checkpoint& checkpoint) {
        return store_.WriteCheckpoint(task_.id, task_.lease_epoch, checkpoint);
      },
      kCheckpointInterval);
  const storage::Checkpoint start = resume_.ToCheckpoint(config_.source->addrs, task_.lease_epoch);
  StreamForwarder forwarder(session, pipeline, checkpoints, progress_, start,
                            TransactionLimits{limits_.max_transaction_bytes, limits_.budget});
  // A lost lease stops writes in flight at once: the socket is shut, not drained.
  engine::redis::RedisClient* connection = *target;
  const int link = context.OnCancel([&context, connection] {
    if (absl::IsAborted(context.reason())) connection->Cancel();
  });
  absl::Status status = forwarder.Run(context);
  context.Unregister(link);
  resume_.Reached(forwarder.applied());
  if (!status.ok() && !context.cancelled()) return Fail("stream", status);
  return context.reason();
}

}  // namespace rms::worker
