// ClusterStreamForwarder: the incremental phase into a Redis Cluster target. The target sink
// (a ClusterTargetWriter) routes every command read from the source to its slot's master; a
// position counts as applied once a flush of every master's writer returned (every reply in,
// none refused). It is then published like the standalone forwarder's: REPLCONF ACK to the
// source, checkpoints to PostgreSQL, the stats.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/engine/replication/replication_session.h"
#include "services/engine/writer/target_sink.h"
#include "services/worker/checkpoint_publisher.h"
#include "services/worker/job_progress.h"
#include "services/worker/task_context.h"
#include "storage/worker_store.h"

namespace rms::worker {

// One run over one session; the reading thread owns the session and the sink.
class ClusterStreamForwarder {
 public:
  // `position` is the applied checkpoint the stream starts after (its replid, shard and epoch are
  // kept in every checkpoint published). Everything must outlive the forwarder.
  ClusterStreamForwarder(engine::replication::ReplicationSession& session,
                         engine::writer::TargetSink& sink, CheckpointPublisher& checkpoints,
                         JobProgress& progress, const storage::Checkpoint& position);

  // As StreamForwarder::Run: forwards until cancelled, the source link breaks or the target
  // fails, then (lease held, target fine) flushes what was read except an open transaction and
  // stores the final position. Errors: the target's or the checkpoint's first, else the source's.
  absl::Status Run(TaskContext& context);

  // The last position every master acknowledged; after Run, also the stored one.
  const storage::Checkpoint& applied() const { return applied_; }
  // After a Run ended by a lost lease: whether applied() is exactly what the masters applied
  // (nothing was written to any master since the last flush, nothing is left to skip after it),
  // so it can be handed to the next owner.
  bool exact_after_lost_lease() const { return exact_after_lost_lease_; }

 private:
  absl::Status Step(TaskContext& context, bool* source_broken);
  absl::Status Forward(const engine::replication::RawReplicatedCommand& command);
  // Flushes every master and moves the applied position to what was read.
  absl::Status FlushRead();
  void Publish();
  // After the loop (the lease still held): flush what was read (unless `skip_flush`), store the
  // final position.
  absl::Status Drain(bool skip_flush);
  bool AlreadyApplied(const engine::replication::RawReplicatedCommand& command) const;

  engine::replication::ReplicationSession& session_;
  engine::writer::TargetSink& sink_;
  CheckpointPublisher& checkpoints_;
  JobProgress& progress_;
  SentTally tally_;
  storage::Checkpoint applied_;
  int64_t read_offset_ = 0;       // after the last command read
  int read_db_ = 0;               // selected after it
  std::vector<int64_t> skip_;     // offsets not to apply again (from the checkpoint), ascending
  size_t unflushed_ = 0;          // commands queued since the last flush
  size_t unflushed_bytes_ = 0;    // and their encoded bytes
  uint64_t writes_at_flush_ = 0;  // the sink's writes when the last flush returned
  bool flush_due_ = false;        // a transaction was applied: flush before reading on
  bool exact_after_lost_lease_ = false;
  absl::Time first_unflushed_ = absl::InfiniteFuture();
  bool transaction_open_ = false;  // a MULTI was read and not its EXEC or DISCARD yet
  int64_t offset_before_transaction_ = 0;
  int db_before_transaction_ = 0;
};

}  // namespace rms::worker
