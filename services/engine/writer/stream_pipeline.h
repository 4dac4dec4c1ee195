// StreamPipeline: forwards the commands of a replication stream to one target node with several
// batches in flight, and tells how far the target has acknowledged them.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::writer {

struct StreamPipelineOptions {
  size_t batch_commands = 1000;         // the open batch is full at this many commands...
  size_t batch_bytes = 1u << 20;        // ...or this many encoded bytes
  size_t max_unacked_bytes = 8u << 20;  // Send() blocks while more than this is unacknowledged
  absl::Duration reply_timeout = absl::Seconds(60);  // silence of a target that owes replies
  bool redact_keys = false;  // error messages show key#<hash>, never the key
};

// Where the stream stands after a batch.
struct StreamMark {
  int64_t offset = -1;                             // replication offset after the batch's last byte
  int db = 0;                                      // database selected after it
  absl::Time first_read = absl::InfiniteFuture();  // when its first command was read (lag)
};

struct StreamPipelineStats {
  uint64_t commands_acked = 0;
  uint64_t bytes_acked = 0;
  uint64_t batches_acked = 0;
  size_t peak_unacked_bytes = 0;
};

// One thread owns the pipeline and the client's connection, which must hold no unread replies.
// Commands go into the open batch (Add); Send() closes it with a mark and writes it without
// waiting for its replies, so the target works on earlier batches while the caller reads the
// source. Replies are read as they arrive; a batch is acknowledged when all of its replies
// arrived and none is an error, and only after every earlier batch. acked() is the mark of the
// last acknowledged batch; after an error reply, possibly the position after a command before the
// refused one (see Add). An EXEC reply holding an error (the target ran the transaction except
// the refused commands) is a refusal too, but the transaction counts as applied: acked() then
// includes its EXEC, so a resume neither runs it again nor drops it silently (the error names the
// refused command and key).
//
// The first error is sticky: every later call returns it. Errors: the connection's (UNAVAILABLE,
// DEADLINE_EXCEEDED after reply_timeout of silence while replies are owed, CANCELLED), with the
// node prepended; an error reply as a status naming the command and key (codes as
// CodeOfErrorReply: UNAVAILABLE for transient ones, else FAILED_PRECONDITION,
// RESOURCE_EXHAUSTED, PERMISSION_DENIED); DATA_LOSS for a reply that is not RESP. After a
// connection error, batches after acked() may or may not have been applied.
class StreamPipeline {
 public:
  StreamPipeline(redis::RedisClient& client, StreamPipelineOptions options);

  // Queues one (non-empty) command in the open batch. `after`, when given, is the stream's
  // position right after it (give none where the stream must not resume, inside a transaction):
  // then a refused command acknowledges the commands before it up to the last such position.
  void Add(absl::Span<const std::string> args, std::optional<StreamMark> after = std::nullopt);
  // Queues one command already encoded as a RESP array of bulk strings (as the replication
  // stream carries it), copied as is; `after` as for Add.
  void AddEncoded(absl::string_view command, std::optional<StreamMark> after = std::nullopt);
  size_t open_commands() const { return open_.starts.size(); }
  size_t open_bytes() const { return open_.bytes.size(); }
  // Drops the commands of the open batch (nothing of it was sent).
  void DiscardOpen();
  // Whether the open batch reached a bound: time to Send().
  bool open_full() const;

  // Closes the open batch with `mark` and writes it (a batch without commands, when only bytes
  // that are not forwarded advanced the stream, is acknowledged with its predecessors). Then
  // takes the replies that already arrived, and waits for more while over max_unacked_bytes.
  absl::Status Send(const StreamMark& mark);
  // Takes replies until every sent batch is acknowledged or `deadline` passes (not an error).
  absl::Status Collect(absl::Time deadline);

  // After an error reply (refused() is true): reads the replies still owed for the batches
  // already sent, until `deadline`, and records which of their commands the target applied
  // anyway (applied_after_refusal()). OK once every reply was read; otherwise the connection's
  // error or DEADLINE_EXCEEDED. The sticky error stays the refusal.
  absl::Status SettleAfterRefusal(absl::Time deadline);
  // Whether the sticky error is a reply refusing a command (not a lost connection).
  bool refused() const { return refused_; }
  // The positions (offsets) of commands sent after the refused one that the target applied,
  // ascending; complete once SettleAfterRefusal() returned OK. Commands added without a position
  // are not listed (inside a transaction, the EXEC stands for it; an EXEC whose transaction
  // partly failed is listed: it ran, and is reported in partly_failed_after_refusal()).
  const std::vector<int64_t>& applied_after_refusal() const { return applied_after_refusal_; }
  // Descriptions of the transactions settled after the refusal that the target partly refused.
  const std::vector<std::string>& partly_failed_after_refusal() const {
    return partly_failed_after_refusal_;
  }

  bool all_acked() const { return inflight_.empty(); }
  const std::optional<StreamMark>& acked() const { return acked_; }
  // The mark of the oldest sent batch not acknowledged yet; nullptr when none.
  const StreamMark* oldest_unacked() const {
    return inflight_.empty() ? nullptr : &inflight_.front().mark;
  }
  size_t unacked_bytes() const { return unacked_bytes_; }
  const StreamPipelineStats& stats() const { return stats_; }

 private:
  struct Batch {
    std::string bytes;              // the encoded commands
    std::vector<uint32_t> starts;   // where each command starts in `bytes`
    std::vector<StreamMark> after;  // each command's position; offset -1 when not given
    StreamMark mark;
    size_t replies = 0;  // received so far
  };

  // Takes complete replies from the decoder, then reads once from the socket (waiting until
  // `deadline`) and takes what that completed. DEADLINE_EXCEEDED when nothing arrived.
  absl::Status ReadOnce(absl::Time deadline);
  absl::Status TakeDecodedReplies();
  absl::Status TakeReply(const resp::RespValue& reply);
  // An EXEC reply holding the error reply `inner` of a queued command: the transaction counts as
  // applied (acknowledged up to its EXEC) and is the refusal.
  absl::Status RefusedInsideExec(Batch& batch, size_t index, const resp::RespValue& reply,
                                 int inner);
  void AcknowledgeCompleted();
  // While settling: records a reply's command if it was applied; drops completed batches.
  void TakeSettlingReply(const resp::RespValue& reply);
  void DropSettledBatches();
  // After an error reply to command `index` of the oldest batch: acknowledges the commands
  // before it, when the batch knows their positions.
  void AcknowledgeBefore(const Batch& batch, size_t index);
  absl::Status CommandError(const Batch& batch, size_t index, absl::string_view message) const;
  absl::Status Broken(const absl::Status& status);
  Batch SpareBatch();

  redis::RedisClient& client_;
  StreamPipelineOptions options_;
  Batch open_;
  std::deque<Batch> inflight_;
  std::vector<Batch> spare_;  // emptied batches, reused for their buffers
  size_t unacked_bytes_ = 0;
  absl::Time last_progress_;  // last reply, or the send that started the wait for one
  std::optional<StreamMark> acked_;
  StreamPipelineStats stats_;
  std::vector<char> read_buffer_;
  absl::Status error_;
  bool refused_ = false;
  std::vector<int64_t> applied_after_refusal_;
  std::vector<std::string> partly_failed_after_refusal_;
};

}  // namespace rms::engine::writer
