// StreamForwarder: source -> StreamPipeline -> target, with acknowledged positions published.
#include "services/worker/stream_forwarder.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status_macros.h"
#include "services/worker/stream_commands.h"

namespace rms::worker {
namespace {

using engine::replication::RawReplicatedCommand;

// How long a quiet source is waited for when nothing is owed by the target.
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);
// How long a quiet source is waited for while the target owes replies. The thread sleeps on the
// source, not on the target: replies are taken, without waiting, after every send and after
// this wait, so they never wake the thread (a wake-up per reply chunk cost the target CPU on a
// busy machine) and acknowledgements trail by at most this much.
constexpr absl::Duration kSourceWaitWhileOwed = absl::Milliseconds(2);
// A batch is sent when full, when the source goes quiet, or when its first command is this old
// (a throttled or trickling source never looks quiet).
constexpr absl::Duration kMaxBatchAge = absl::Milliseconds(10);
// Longest wait for the target's last replies when stopping.
constexpr absl::Duration kDrainTimeout = absl::Seconds(60);
// Longest wait for them after a lost lease: the lease keeper stops the task at two thirds of the
// lease, so the next owner cannot claim it for a third of the lease (5 s by default).
constexpr absl::Duration kLostLeaseDrainTimeout = absl::Seconds(2);

bool IsPing(absl::Span<const absl::string_view> args) { return IsBareCommand(args, "PING"); }

}  // namespace

StreamForwarder::StreamForwarder(engine::replication::ReplicationSession& session,
                                 engine::writer::StreamPipeline& pipeline,
                                 CheckpointPublisher& checkpoints, JobProgress& progress,
                                 const storage::Checkpoint& position, TransactionLimits limits)
    : session_(session),
      pipeline_(pipeline),
      checkpoints_(checkpoints),
      progress_(progress),
      tally_(progress),
      applied_(position),
      skip_(position.skip_offsets),
      limits_(limits),
      transaction_claim_(limits.budget) {
  std::sort(skip_.begin(), skip_.end());
  read_.offset = position.offset;
  read_.db = position.db;
}

void StreamForwarder::Skip(const RawReplicatedCommand& command) {
  // The target accepted it after refusing an earlier command: do not apply it twice. For an
  // EXEC, that is the whole transaction gathered since its MULTI.
  if (IsBareCommand(command.args, "EXEC")) {
    pipeline_.DiscardOpen();
    transaction_open_ = false;
  }
  read_.offset = command.offset;
  unsent_ = true;
  progress_.read_offset = command.offset;
}

bool StreamForwarder::AlreadyApplied(const RawReplicatedCommand& command) {
  if (skip_.empty() || command.offset > skip_.back()) return false;
  // SELECT is applied again: the target connection is new and it changes nothing else.
  if (SelectedDb(command.args) >= 0) return false;
  return std::binary_search(skip_.begin(), skip_.end(), command.offset);
}

absl::Status StreamForwarder::Run(TaskContext& context) {
  absl::Status status;
  bool source_broken = false;
  while (status.ok() && !context.cancelled()) {
    status = Step(context, &source_broken);
    PublishAcked();
    if (status.ok()) status = checkpoints_.error();
  }
  // A lost lease means another worker may own the task now: write nothing more.
  const bool lease_lost = absl::IsAborted(context.reason());
  if (lease_lost) {
    DrainAfterLostLease();
    return status;
  }
  absl::Status drained = Drain(/*skip_sending=*/!status.ok() && !source_broken);
  // What the target refused while draining outranks a lost source link: a resume would only
  // meet the same refusal.
  if (!drained.ok() && (status.ok() || source_broken)) return WithPartlyFailed(drained);
  return WithPartlyFailed(status);
}

absl::Status StreamForwarder::WithPartlyFailed(const absl::Status& status) const {
  // Transactions the target partly refused while settling count as applied: name them.
  const std::vector<std::string>& partly = pipeline_.partly_failed_after_refusal();
  if (status.ok() || partly.empty()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(status.message(), "; later transactions partly refused (counted "
                                   "as applied, repair by hand): ", absl::StrJoin(partly, "; ")));
}

absl::Status StreamForwarder::Step(TaskContext& context, bool* source_broken) {
  // Something read that may be sent (not inside a transaction): only look at the source. Else
  // wait for it.
  const absl::Duration wait = unsent_ && !transaction_open_ ? absl::ZeroDuration()
                              : pipeline_.all_acked()       ? kIdleWait
                                                            : kSourceWaitWhileOwed;
  absl::StatusOr<RawReplicatedCommand> command = session_.NextRawCommand(absl::Now() + wait);
  if (absl::IsDeadlineExceeded(command.status())) {
    // The source has nothing buffered: send what was read, and take the replies that arrived.
    if (unsent_ && !transaction_open_) RETURN_IF_ERROR(SendRead());
    if (!pipeline_.all_acked()) return pipeline_.Collect(absl::InfinitePast());
    return absl::OkStatus();
  }
  if (!command.ok()) {
    *source_broken = true;
    return context.cancelled() ? absl::OkStatus() : command.status();
  }
  absl::Status forwarded = Forward(*command);
  // A transaction over its limit is the source's doing: what was sent before it is still drained.
  if (!engine::io::LimitCode(forwarded).empty()) *source_broken = true;
  return forwarded;
}

absl::Status StreamForwarder::Forward(const RawReplicatedCommand& command) {
  if (AlreadyApplied(command)) {
    Skip(command);
    return absl::OkStatus();
  }
  if (IsBareCommand(command.args, "MULTI")) {
    // A transaction starts a batch of its own and is sent whole: no mark, so no checkpoint, ever
    // falls inside it (a resume there would send its EXEC without its MULTI).
    if (unsent_) RETURN_IF_ERROR(SendRead());
    transaction_open_ = true;
    before_transaction_ = read_;
  } else if (IsBareCommand(command.args, "EXEC") || IsBareCommand(command.args, "DISCARD")) {
    transaction_open_ = false;
  }
  if (!IsPing(command.args)) {
    if (pipeline_.open_commands() == 0) read_.first_read = absl::Now();
    if (int db = SelectedDb(command.args); db >= 0) read_.db = db;
    // The position after this command, where a resume may start, unless inside a transaction.
    std::optional<engine::writer::StreamMark> after;
    if (!transaction_open_) {
      after = read_;
      after->offset = command.offset;
    }
    pipeline_.AddEncoded(command.bytes, after);
  }
  read_.offset = command.offset;
  unsent_ = true;
  progress_.read_offset = command.offset;
  if (transaction_open_) return CheckTransaction();
  if (transaction_claim_.held() > 0) (void)transaction_claim_.Resize(0, "");
  if (pipeline_.open_full() ||
      (pipeline_.open_commands() > 0 && absl::Now() - read_.first_read >= kMaxBatchAge)) {
    return SendRead();
  }
  return absl::OkStatus();
}

absl::Status StreamForwarder::CheckTransaction() {
  constexpr size_t kMiB = 1u << 20;
  const size_t bytes = pipeline_.open_bytes();
  if (bytes > limits_.max_bytes) {
    return engine::io::LimitError(
        engine::io::kTransactionTooLarge,
        absl::StrCat("a transaction (MULTI ... EXEC) of the source grew past ", bytes / kMiB,
                     " MiB before its EXEC (limit ", limits_.max_bytes / kMiB,
                     " MiB, --max-transaction-mb): raise --max-transaction-mb if the source "
                     "really runs such transactions"));
  }
  return transaction_claim_.Resize(bytes, "a transaction of the source (MULTI ... EXEC)");
}

absl::Status StreamForwarder::SendRead() {
  engine::writer::StreamMark mark = read_;
  if (pipeline_.open_commands() == 0) mark.first_read = absl::InfiniteFuture();
  unsent_ = false;
  read_.first_read = absl::InfiniteFuture();
  return pipeline_.Send(mark);
}

void StreamForwarder::PublishAcked() {
  const engine::writer::StreamPipelineStats& stats = pipeline_.stats();
  tally_.Update(stats.commands_acked, stats.bytes_acked);
  // The oldest command read and not applied: in the oldest unacknowledged batch, or else the
  // open batch.
  absl::Time since = absl::InfiniteFuture();
  if (const engine::writer::StreamMark* oldest = pipeline_.oldest_unacked()) {
    since = oldest->first_read;
  }
  if (since == absl::InfiniteFuture()) since = read_.first_read;
  progress_.unapplied_since_us = since == absl::InfiniteFuture() ? 0 : absl::ToUnixMicros(since);
  const std::optional<engine::writer::StreamMark>& acked = pipeline_.acked();
  const bool advanced = acked && acked->offset != applied_.offset;
  if (advanced) {
    applied_.offset = acked->offset;
    applied_.db = acked->db;
    (void)session_.SetAppliedOffset(applied_.offset);
    progress_.applied_offset = applied_.offset;
  }
  // Commands to skip that the applied position has not passed yet travel with the checkpoint.
  std::vector<int64_t> skip;
  for (int64_t offset : skip_) {
    if (offset > applied_.offset) skip.push_back(offset);
  }
  if (!advanced && skip == applied_.skip_offsets) return;
  applied_.skip_offsets = std::move(skip);
  checkpoints_.Update(applied_);
}

void StreamForwarder::DrainAfterLostLease() {
  pipeline_.DiscardOpen();  // never sent: the next owner reads it again from the source
  transaction_open_ = false;
  progress_.unapplied_since_us = 0;
  if (!pipeline_.Collect(absl::Now() + kLostLeaseDrainTimeout).ok() || !pipeline_.all_acked() ||
      pipeline_.refused()) {
    return;  // what the target applied is unknown: the next owner starts from the checkpoint
  }
  if (const std::optional<engine::writer::StreamMark>& acked = pipeline_.acked()) {
    applied_.offset = acked->offset;
    applied_.db = acked->db;
    progress_.applied_offset = applied_.offset;
  }
  for (int64_t offset : skip_) {
    if (offset > applied_.offset) return;  // a skip list cannot travel in a handover
  }
  applied_.skip_offsets.clear();
  exact_after_lost_lease_ = true;
}

absl::Status StreamForwarder::Drain(bool skip_sending) {
  absl::Status status;
  if (transaction_open_) {
    // The link broke inside a transaction: drop its start, resume before its MULTI.
    pipeline_.DiscardOpen();
    read_ = before_transaction_;
    unsent_ = false;
    transaction_open_ = false;
  }
  if (!skip_sending) {
    if (unsent_) status = SendRead();
    if (status.ok()) status = pipeline_.Collect(absl::Now() + kDrainTimeout);
    if (status.ok() && !pipeline_.all_acked()) {
      status = absl::DeadlineExceededError("the target did not acknowledge the stream in time");
    }
  }
  // After a refusal (before the drain or during it): learn which commands sent after the refused
  // one the target still applied, so a resume skips them; if that cannot be learnt, they are
  // applied again (at least once).
  if (pipeline_.refused() &&
      pipeline_.SettleAfterRefusal(absl::Now() + kDrainTimeout).ok()) {
    const std::vector<int64_t>& applied = pipeline_.applied_after_refusal();
    skip_.insert(skip_.end(), applied.begin(), applied.end());
    std::sort(skip_.begin(), skip_.end());
    skip_.erase(std::unique(skip_.begin(), skip_.end()), skip_.end());
  }
  PublishAcked();
  progress_.unapplied_since_us = 0;
  absl::Status stored = checkpoints_.Flush();
  return status.ok() ? stored : status;
}

}  // namespace rms::worker
