// ClusterStreamForwarder: source -> ClusterTargetWriter -> every master, flushed positions
// published.
#include "services/worker/cluster_stream_forwarder.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "services/common/status_macros.h"
#include "services/worker/stream_commands.h"

namespace rms::worker {
namespace {

using engine::replication::RawReplicatedCommand;

// How long a quiet source is waited for when nothing is unflushed.
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);
// A flush is due at this many commands or bytes of arguments (below a master writer's own
// pipeline bounds, so that between two flushes nothing is written on its own and a lost lease
// usually leaves an exact position)...
constexpr size_t kFlushCommands = 500;
constexpr size_t kFlushBytes = 2u << 20;
// ...or when the oldest unflushed command is this old (a trickling source never looks quiet).
constexpr absl::Duration kMaxUnflushedAge = absl::Milliseconds(10);

}  // namespace

ClusterStreamForwarder::ClusterStreamForwarder(engine::replication::ReplicationSession& session,
                                               engine::writer::TargetSink& sink,
                                               CheckpointPublisher& checkpoints,
                                               JobProgress& progress,
                                               const storage::Checkpoint& position)
    : session_(session),
      sink_(sink),
      checkpoints_(checkpoints),
      progress_(progress),
      tally_(progress),
      applied_(position),
      read_offset_(position.offset),
      read_db_(position.db),
      skip_(position.skip_offsets),
      writes_at_flush_(sink.totals().writes) {
  std::sort(skip_.begin(), skip_.end());
}

bool ClusterStreamForwarder::AlreadyApplied(const RawReplicatedCommand& command) const {
  if (skip_.empty() || command.offset > skip_.back()) return false;
  if (SelectedDb(command.args) >= 0) return false;
  return std::binary_search(skip_.begin(), skip_.end(), command.offset);
}

absl::Status ClusterStreamForwarder::Run(TaskContext& context) {
  absl::Status status;
  bool source_broken = false;
  while (status.ok() && !context.cancelled()) {
    status = Step(context, &source_broken);
    if (status.ok()) status = checkpoints_.error();
  }
  // A lost lease means another worker may own the task now: write nothing more. What was
  // flushed is in applied(); it is exact when nothing was written since.
  if (absl::IsAborted(context.reason())) {
    const bool skips_ahead = !skip_.empty() && skip_.back() > applied_.offset;
    exact_after_lost_lease_ =
        status.ok() && !skips_ahead && sink_.totals().writes == writes_at_flush_;
    progress_.unapplied_since_us = 0;
    return status;
  }
  absl::Status drained = Drain(/*skip_flush=*/!status.ok() && !source_broken);
  if (!drained.ok() && (status.ok() || source_broken)) return drained;
  return status;
}

absl::Status ClusterStreamForwarder::Step(TaskContext& context, bool* source_broken) {
  // Nothing to flush (or only an open transaction, which waits for its EXEC): wait a while.
  const bool nothing_due = unflushed_ == 0 || transaction_open_;
  absl::StatusOr<RawReplicatedCommand> command =
      session_.NextRawCommand(nothing_due ? absl::Now() + kIdleWait : absl::Now());
  if (absl::IsDeadlineExceeded(command.status())) {
    // The source has nothing buffered: apply what was read.
    return nothing_due ? absl::OkStatus() : FlushRead();
  }
  if (!command.ok()) {
    *source_broken = true;
    return context.cancelled() ? absl::OkStatus() : command.status();
  }
  absl::Status forwarded = Forward(*command);
  if (!forwarded.ok()) return forwarded;
  if (!transaction_open_ &&
      (flush_due_ || unflushed_ >= kFlushCommands || unflushed_bytes_ >= kFlushBytes ||
       absl::Now() - first_unflushed_ >= kMaxUnflushedAge)) {
    return FlushRead();
  }
  return absl::OkStatus();
}

absl::Status ClusterStreamForwarder::Forward(const RawReplicatedCommand& command) {
  progress_.read_offset = command.offset;
  if (AlreadyApplied(command)) {
    read_offset_ = command.offset;
    return absl::OkStatus();
  }
  if (IsBareCommand(command.args, "MULTI")) {
    // What came before the transaction is flushed first: no position falls inside it.
    if (unflushed_ > 0) RETURN_IF_ERROR(FlushRead());
    transaction_open_ = true;
    offset_before_transaction_ = read_offset_;
    db_before_transaction_ = read_db_;
  } else if (IsBareCommand(command.args, "EXEC") || IsBareCommand(command.args, "DISCARD")) {
    transaction_open_ = false;
    // An EXEC writes its blocks at once: flushing right after keeps the position exact.
    flush_due_ = true;
  }
  if (int db = SelectedDb(command.args); db >= 0) read_db_ = db;
  const std::vector<std::string> args(command.args.begin(), command.args.end());
  if (unflushed_ == 0) first_unflushed_ = absl::Now();
  ++unflushed_;
  unflushed_bytes_ += command.bytes.size();
  read_offset_ = command.offset;
  return sink_.ApplyCommand(args);
}

absl::Status ClusterStreamForwarder::FlushRead() {
  RETURN_IF_ERROR(sink_.Flush());
  writes_at_flush_ = sink_.totals().writes;
  flush_due_ = false;
  unflushed_ = 0;
  unflushed_bytes_ = 0;
  first_unflushed_ = absl::InfiniteFuture();
  applied_.offset = read_offset_;
  applied_.db = read_db_;
  Publish();
  return absl::OkStatus();
}

void ClusterStreamForwarder::Publish() {
  const engine::writer::TargetWriterStats stats = sink_.totals();
  tally_.Update(stats.commands_sent, stats.bytes_sent);
  progress_.unapplied_since_us =
      first_unflushed_ == absl::InfiniteFuture() ? 0 : absl::ToUnixMicros(first_unflushed_);
  (void)session_.SetAppliedOffset(applied_.offset);
  progress_.applied_offset = applied_.offset;
  std::vector<int64_t> skip;
  for (int64_t offset : skip_) {
    if (offset > applied_.offset) skip.push_back(offset);
  }
  applied_.skip_offsets = std::move(skip);
  checkpoints_.Update(applied_);
}

absl::Status ClusterStreamForwarder::Drain(bool skip_flush) {
  absl::Status status;
  if (!skip_flush) {
    if (transaction_open_) {
      // The link broke inside a transaction: the writer holds it unsent; resume before its MULTI.
      read_offset_ = offset_before_transaction_;
      read_db_ = db_before_transaction_;
      transaction_open_ = false;
    }
    status = FlushRead();
  }
  progress_.unapplied_since_us = 0;
  absl::Status stored = checkpoints_.Flush();
  return status.ok() ? stored : status;
}

}  // namespace rms::worker
