// OnlineMigrationJob::StreamChanges: forwards the replication stream to the target in pipelined
// batches; each batch is acknowledged by the target, then checkpointed, before the next one.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "services/worker/online_migration_job.h"

namespace rms::worker {
namespace {

constexpr size_t kMaxBatchCommands = 1000;
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);

bool IsPing(const std::vector<std::string>& args) {
  return args.size() == 1 && absl::EqualsIgnoreCase(args[0], "PING");
}

// The db of `SELECT <db>`, or -1 for any other command.
int SelectedDb(const std::vector<std::string>& args) {
  int db = -1;
  if (args.size() == 2 && absl::EqualsIgnoreCase(args[0], "SELECT") &&
      absl::SimpleAtoi(args[1], &db)) {
    return db;
  }
  return -1;
}

}  // namespace

absl::Status OnlineMigrationJob::StreamChanges(engine::replication::ReplicationSession& session,
                                               TaskContext& context) {
  streamed_ = true;
  int64_t pending = applied_;
  size_t batch = 0;
  absl::Status broken;
  while (!context.cancelled()) {
    // Take what is already buffered without waiting; wait only when there is nothing to flush.
    const absl::Time deadline = batch > 0 ? absl::Now() : absl::Now() + kIdleWait;
    absl::StatusOr<engine::replication::ReplicatedCommand> command = session.NextCommand(deadline);
    const bool idle = absl::IsDeadlineExceeded(command.status());
    if (idle && pending == applied_) progress_.caught_up_at_us = absl::ToUnixMicros(absl::Now());
    if (!command.ok() && !idle) {
      broken = command.status();
      break;
    }
    if (command.ok()) {
      if (!IsPing(command->args)) {
        if (absl::Status s = writer_->ApplyCommand(command->args); !s.ok()) {
          return Fail("stream", s);
        }
        ++batch;
        if (int db = SelectedDb(command->args); db >= 0) current_db_ = db;
      }
      pending = command->offset;
      progress_.read_offset = session.read_offset();
    }
    if ((idle || batch >= kMaxBatchCommands) && pending != applied_) {
      if (absl::Status s = writer_->Flush(); !s.ok()) return Fail("stream", s);
      batch = 0;
      if (absl::Status s = Checkpoint(session, pending); !s.ok()) return s;
      if (idle) progress_.caught_up_at_us = absl::ToUnixMicros(absl::Now());
      const engine::writer::TargetWriterStats stats = writer_->stats();
      progress_.commands_sent = stats.commands_sent;
      progress_.bytes_sent = stats.bytes_sent;
    }
  }
  // Stopped or the source link broke: apply and checkpoint everything read, so that a resume
  // (here or on another worker) continues exactly after it.
  if (absl::Status s = writer_->Flush(); !s.ok()) return Fail("stream", s);
  if (pending != applied_) {
    if (absl::Status s = Checkpoint(session, pending); !s.ok()) return s;
  }
  if (!broken.ok() && !context.cancelled()) return Fail("stream", broken);
  return context.reason();
}

}  // namespace rms::worker
