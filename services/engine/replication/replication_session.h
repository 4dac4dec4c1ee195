// ReplicationSession: the replica side of Redis replication with one source node.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/io/memory_budget.h"
#include "services/engine/net/tcp_connection.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/replication/byte_throttle.h"
#include "services/engine/replication/command_stream.h"
#include "services/engine/replication/psync_handshake.h"
#include "services/engine/replication/replication_link.h"
#include "services/engine/replication/snapshot_source.h"

namespace rms::engine::replication {

struct SessionOptions {
  int listening_port = 0;   // announced with REPLCONF listening-port (the source's INFO shows it)
  std::string client_name;  // the link's CLIENT SETNAME on the source ("" = none)
  absl::Duration connect_timeout = absl::Seconds(5);
  // Longest silence tolerated during the handshake and the snapshot (the source sends "\n"
  // keep-alives every second while it prepares the RDB), like Redis's repl-timeout.
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration write_timeout = absl::Seconds(10);  // ACKs
  // NextCommand() sends `REPLCONF ACK` at least this often (0 = only when asked), as a Redis
  // replica does every second: the source shows the lag, WAIT counts it, and a diskless Redis
  // source may wait for such an ACK before it starts the stream.
  absl::Duration ack_interval = absl::Seconds(1);
  size_t read_chunk_bytes = 64 << 10;  // bytes per socket read
  ByteThrottle* throttle = nullptr;    // not owned, outlives the session; null = unlimited
  // Bytes one replicated command may take while it is buffered (Redis's client-query-buffer-
  // limit; its arguments are also capped at proto-max-bulk-len, 512 MiB).
  size_t max_command_bytes = size_t{1} << 30;
  io::MemoryBudget* memory_budget = nullptr;  // not owned; the link's buffer is claimed from it
  // Called with each streamed command's arguments before NextRawCommand() returns it; an error
  // breaks the session with that error (the command is not returned). Null = no check.
  std::function<absl::Status(absl::Span<const absl::string_view> args)> command_check;
  // Then called with the arguments; a vector replaces the command (same offset), nullopt keeps
  // it, an error breaks the session. Null = none.
  std::function<absl::StatusOr<std::optional<std::vector<std::string>>>(
      absl::Span<const absl::string_view> args)>
      command_rewrite;
};

// Phases, in order: Start() (connect, AUTH, REPLCONF, PSYNC) -> after +FULLRESYNC, snapshot()
// yields the RDB up to its last byte -> NextCommand() yields the command stream.
//
// Threads: one reading thread owns the session and calls everything except Cancel(),
// SetAppliedOffset() and the counters (read_offset(), applied_offset(), bytes_received(),
// snapshot_bytes(), snapshot_size()), which any thread may call at any time after Create(). The
// session must outlive those calls.
//
// Offsets: a replication offset counts every byte the source has propagated; `PSYNC <replid>
// <applied + 1>` asks for the first missing byte. After +FULLRESYNC <replid> <offset> the stream
// starts after `offset`; after +CONTINUE it starts after the applied offset given to Start().
// Acknowledgements report the applied offset (see CommandStream).
class ReplicationSession {
 public:
  // Create() + Start(). `replid` "" (with `applied_offset` -1) asks for a full resync
  // (`PSYNC ? -1`); otherwise `applied_offset` is the offset after the last command applied.
  static absl::StatusOr<std::unique_ptr<ReplicationSession>> Open(const redis::Endpoint& source,
                                                                  absl::string_view replid,
                                                                  int64_t applied_offset,
                                                                  SessionOptions options = {});
  // No I/O: lets another thread hold the session (to Cancel() it) before the handshake, which can
  // wait minutes for a busy source's BGSAVE.
  static std::unique_ptr<ReplicationSession> Create(redis::Endpoint source,
                                                    SessionOptions options = {});
  ReplicationSession(const ReplicationSession&) = delete;
  ReplicationSession& operator=(const ReplicationSession&) = delete;

  // Connects, authenticates and runs the handshake; once only. Errors: UNAVAILABLE (source
  // unreachable, link lost, or the source not ready: -LOADING, -NOMASTERLINK... retry later),
  // UNAUTHENTICATED, FAILED_PRECONDITION (PSYNC refused for good: -NOPERM, -ERR ..., with the
  // server's message), DATA_LOSS (malformed reply), CANCELLED, INVALID_ARGUMENT (bad resume
  // point), DEADLINE_EXCEEDED (AUTH unanswered).
  absl::Status Start(absl::string_view replid, int64_t applied_offset);

  // The PSYNC reply (valid after Start() succeeded).
  const PsyncReply& reply() const { return reply_; }
  // The RDB payload after +FULLRESYNC (ends at once after +CONTINUE); see SnapshotSource. Read it
  // to its end before the first NextCommand().
  io::ByteSource& snapshot() { return snapshot_; }
  // Payload bytes delivered so far and the announced size (-1 when diskless). Any thread.
  uint64_t snapshot_bytes() const { return snapshot_.payload_bytes(); }
  int64_t snapshot_size() const { return snapshot_.size(); }

  // The next command (see CommandStream::Next). The first call after a full resync checks that
  // the snapshot was read to its end (else FAILED_PRECONDITION) and sends `REPLCONF ACK
  // <FULLRESYNC offset>`, as a Redis replica does after loading: a Redis >= 7 source starts
  // streaming to a diskless replica only after that first ACK. DEADLINE_EXCEEDED is not fatal;
  // any other error is returned again by every later call (reconnect with a new session).
  absl::StatusOr<ReplicatedCommand> NextCommand(absl::Time deadline);
  // NextCommand() without copying (see CommandStream::NextRaw): the views stay valid until the
  // next call of either.
  absl::StatusOr<RawReplicatedCommand> NextRawCommand(absl::Time deadline);

  // See CommandStream::SetAppliedOffset. Any thread.
  absl::Status SetAppliedOffset(int64_t offset) { return stream_.SetAppliedOffset(offset); }
  // Sends `REPLCONF ACK <applied offset>` now (NextCommand also does every ack_interval). Reading
  // thread. Before the command stream starts it sends nothing.
  absl::Status SendAck();

  // Wakes every blocked or later call with CANCELLED. Any thread, idempotent.
  void Cancel();

  // Offset after the last stream byte consumed (the start offset before the stream). Any thread.
  int64_t read_offset() const { return stream_.read_offset(); }
  int64_t applied_offset() const { return stream_.applied_offset(); }
  // All bytes received from the source after AUTH (replies, snapshot, stream). Any thread.
  uint64_t bytes_received() const { return link_.bytes_received(); }

 private:
  ReplicationSession(redis::Endpoint source, SessionOptions options);
  absl::Status Connect();
  // Checks that the snapshot is over and sends the handover ACK.
  absl::Status EnterStream();

  redis::Endpoint source_;
  SessionOptions options_;
  // The last command replaced by options_.command_rewrite (what NextRawCommand returned views of).
  std::vector<std::string> rewritten_args_;
  std::vector<absl::string_view> rewritten_views_;
  std::string rewritten_bytes_;
  ReplicationLink link_;
  SnapshotSource snapshot_;
  CommandStream stream_;
  PsyncReply reply_;
  bool started_ = false;
  bool streaming_ = false;
  absl::Status broken_;  // the first permanent error of NextCommand

  absl::Mutex mutex_;
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
  net::TcpConnection* connection_ ABSL_GUARDED_BY(mutex_) = nullptr;  // owned via link_
};

}  // namespace rms::engine::replication
