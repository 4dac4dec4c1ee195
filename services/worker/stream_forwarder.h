// StreamForwarder: the incremental phase of an online migration. Reads the replication stream,
// forwards it to the target through a StreamPipeline, and publishes the position the target has
// acknowledged: to the source (REPLCONF ACK), to PostgreSQL (checkpoints) and to the stats.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "services/engine/io/memory_budget.h"
#include "services/engine/replication/replication_session.h"
#include "services/engine/writer/stream_pipeline.h"
#include "services/worker/checkpoint_publisher.h"
#include "services/worker/job_progress.h"
#include "services/worker/task_context.h"
#include "storage/worker_store.h"

namespace rms::worker {

// Bounds on what one open transaction may buffer (a transaction is sent whole once its EXEC
// arrives).
struct TransactionLimits {
  size_t max_bytes = size_t{1} << 30;                 // --max-transaction-mb
  engine::io::MemoryBudget* budget = nullptr;  // the worker's budget; null = unlimited
};

// One run over one session; the reading thread owns the session and the pipeline.
class StreamForwarder {
 public:
  // `position` is the applied checkpoint the stream starts after (shard, replid and epoch are
  // kept in every checkpoint published). Everything must outlive the forwarder.
  StreamForwarder(engine::replication::ReplicationSession& session,
                  engine::writer::StreamPipeline& pipeline, CheckpointPublisher& checkpoints,
                  JobProgress& progress, const storage::Checkpoint& position,
                  TransactionLimits limits = {});

  // Forwards until the task is cancelled, the source link breaks or the target fails. Then
  // (unless the lease was lost or the target failed) sends what was read, except a transaction
  // whose EXEC has not arrived, waits for the target to acknowledge it, and stores the final
  // position, so a resume continues exactly after it. A transaction (MULTI ... EXEC) always goes
  // to the target in one batch and no stored position falls inside it. Returns the target's or
  // the checkpoint's error first, else the source's (the link); OK when cancelled.
  absl::Status Run(TaskContext& context);

  // The last position the target acknowledged (offset and db); after Run, also the stored one.
  const storage::Checkpoint& applied() const { return applied_; }
  // After a Run ended by a lost lease: whether applied() is exactly what the target applied (every
  // reply read, nothing refused, nothing to skip after it), so it can be handed to the next owner.
  bool exact_after_lost_lease() const { return exact_after_lost_lease_; }

 private:
  // Forwards one command or, when the source is quiet, sends and collects what is pending.
  absl::Status Step(TaskContext& context, bool* source_broken);
  // Adds one command read from the source to the open batch (or skips it), sending the batch
  // when it is due.
  absl::Status Forward(const engine::replication::RawReplicatedCommand& command);
  // Fails the task when the open transaction outgrew its limit or the worker's budget.
  absl::Status CheckTransaction();
  // Sends the open batch marked with the read position.
  absl::Status SendRead();
  // Publishes what the pipeline acknowledged since the last call.
  void PublishAcked();
  // After the loop (the lease still held): send the rest (unless `skip_sending`), wait for it,
  // learn what the target applied after a refusal, store the final position.
  absl::Status Drain(bool skip_sending);
  // After a lost lease: sends nothing more, reads the replies still owed (briefly) and makes
  // applied() exact when it can. Stores nothing: another owner may hold the task already.
  void DrainAfterLostLease();
  // `status` plus the transactions the target partly refused after the first refusal.
  absl::Status WithPartlyFailed(const absl::Status& status) const;
  // Whether the checkpoint lists this command as already applied by the target.
  bool AlreadyApplied(const engine::replication::RawReplicatedCommand& command);
  // Moves past an already applied command without sending it.
  void Skip(const engine::replication::RawReplicatedCommand& command);

  engine::replication::ReplicationSession& session_;
  engine::writer::StreamPipeline& pipeline_;
  CheckpointPublisher& checkpoints_;
  JobProgress& progress_;
  SentTally tally_;
  storage::Checkpoint applied_;
  engine::writer::StreamMark read_;  // after the last command read
  std::vector<int64_t> skip_;        // offsets of commands not to apply again, ascending
  bool unsent_ = false;              // read_ is ahead of the last mark sent
  bool transaction_open_ = false;    // a MULTI was read and not its EXEC or DISCARD yet
  bool exact_after_lost_lease_ = false;
  engine::writer::StreamMark before_transaction_;  // read_ before that MULTI (all of it sent)
  TransactionLimits limits_;
  engine::io::MemoryClaim transaction_claim_;  // the open transaction's bytes
};

}  // namespace rms::worker
