// CommandStream: the replication stream after the snapshot, as commands with exact offsets.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/engine/replication/replication_link.h"
#include "services/engine/resp/command_framer.h"

namespace rms::engine::replication {

// One command of the stream. It occupies the stream bytes (offset - bytes, offset].
struct ReplicatedCommand {
  std::vector<std::string> args;  // as sent, e.g. {"SET", "k", "v"}, {"SELECT", "3"}, {"PING"}
  int64_t offset = 0;             // replication offset right after this command
  size_t bytes = 0;               // its encoded size
};

// One command of the stream as views into the link's buffer, valid until the next call.
struct RawReplicatedCommand {
  absl::string_view bytes;                    // the whole encoded command
  absl::Span<const absl::string_view> args;  // its arguments, inside `bytes`
  int64_t offset = 0;                         // replication offset right after it
};

// The owned copy of a raw command.
ReplicatedCommand ToReplicatedCommand(const RawReplicatedCommand& raw);

// Frames `*<n>\r\n$<len>\r\n<arg>\r\n...` arrays in the link's buffer, counting every byte: the
// offset after a command is the start offset plus all stream bytes up to its end, which is the
// source's master_repl_offset once the stream is drained.
//
// `REPLCONF GETACK *` is answered here with `REPLCONF ACK <offset>` and not returned. The offset
// acknowledged is the *applied* offset (SetAppliedOffset), never merely the read one, so the
// source's view (WAIT, INFO `slaveN:...offset=`) shows what reached the target. Bytes the stream
// consumed itself (GETACKs) count as applied once everything returned before them is.
class CommandStream {
 public:
  // `ack_interval` > 0: Next() also sends an ACK whenever that much time passed since the last
  // one, waking from its wait to do so (Redis replicas ACK every second; a diskless Redis source
  // may ignore an early first ACK and start the stream only at the next one).
  // A command still incomplete after `max_command_bytes` fails the stream with
  // RESOURCE_EXHAUSTED, limit code COMMAND_TOO_LARGE (see io::LimitError).
  CommandStream(ReplicationLink& link, absl::Duration write_timeout, absl::Duration ack_interval,
                size_t max_command_bytes = size_t{1} << 30);

  // Sets the offset of the first byte - 1 (FULLRESYNC offset, or the applied offset CONTINUE
  // resumes after); it also counts as applied. Reading thread, before Next().
  void Begin(int64_t start_offset);

  // The next command. DEADLINE_EXCEEDED: nothing complete before `deadline`; not fatal, call
  // again (partial bytes are kept). Otherwise errors are permanent for the stream: UNAVAILABLE
  // (link lost or closed by the source), CANCELLED, DATA_LOSS (not a RESP array of bulk strings),
  // RESOURCE_EXHAUSTED (over the decoder limits, max_command_bytes or the link's memory budget),
  // or the throttle's error. Reading thread.
  absl::StatusOr<ReplicatedCommand> Next(absl::Time deadline);
  // Next() without copying: the command's bytes and arguments stay in the link's buffer until
  // the next call of either.
  absl::StatusOr<RawReplicatedCommand> NextRaw(absl::Time deadline);

  // Records that everything up to `offset` was applied. `offset` is the start offset or an
  // `offset` returned by Next(), never smaller than the last one recorded: otherwise
  // INVALID_ARGUMENT. Any thread.
  absl::Status SetAppliedOffset(int64_t offset);
  // Sends `REPLCONF ACK <AckOffset()>`. Reading thread (the socket's owner).
  absl::Status SendAck();
  // The offset acknowledgements report (see the class comment). Reading thread.
  int64_t AckOffset() const;

  // Offset after the last byte consumed. Any thread.
  int64_t read_offset() const { return read_offset_.load(std::memory_order_relaxed); }
  int64_t applied_offset() const { return applied_offset_.load(std::memory_order_relaxed); }

 private:
  // Waits for more bytes until `deadline`, sending periodic ACKs meanwhile.
  absl::Status Receive(absl::Time deadline);
  // The error for a command still incomplete after `buffered` bytes.
  absl::Status TooLarge(size_t buffered) const;
  // Whether the stream consumes the framed command itself (an empty array, a GETACK).
  absl::StatusOr<bool> TakeOwn(absl::Span<const absl::string_view> args);

  ReplicationLink& link_;
  absl::Duration write_timeout_;
  absl::Duration ack_interval_;
  size_t max_command_bytes_;
  absl::Time next_ack_ = absl::InfinitePast();
  resp::CommandFramer framer_;
  size_t returned_bytes_ = 0;  // of the last command returned, consumed at the next call
  std::atomic<int64_t> read_offset_{0};
  std::atomic<int64_t> returned_offset_{0};  // after the last command Next() returned
  std::atomic<int64_t> applied_offset_{0};
};

}  // namespace rms::engine::replication
