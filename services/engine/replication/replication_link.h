// ReplicationLink: the socket to the source plus the input buffer every replication phase reads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/io/memory_budget.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/replication/byte_throttle.h"

namespace rms::engine::replication {

// Owned by the session's reading thread; only bytes_received() may be read from other threads.
// Raw byte access (no RESP framing) because the replication protocol mixes RESP replies, bare
// "\n" keep-alives and a binary RDB payload on one connection.
class ReplicationLink {
 public:
  // `throttle` may be null (unlimited) and must outlive the link. The buffer's bytes are claimed
  // from `budget` (null: unlimited), which must outlive the link too.
  ReplicationLink(ByteThrottle* throttle, size_t read_chunk_bytes,
                  io::MemoryBudget* budget = nullptr);

  // Takes the authenticated client; DATA_LOSS if it holds unread bytes (the source spoke out of
  // turn).
  absl::Status Attach(std::unique_ptr<redis::RedisClient> client);
  bool attached() const { return client_ != nullptr; }

  // Receives at least one more byte into the buffer (paying the throttle for the previous read
  // first). UNAVAILABLE when the source closed the connection or it broke, DEADLINE_EXCEEDED,
  // CANCELLED, the throttle's error, or RESOURCE_EXHAUSTED (WORKER_MEMORY_BUDGET) when the
  // buffer would outgrow what the budget can give.
  absl::Status Fill(absl::Time deadline);
  // Like Fill, but silence for `idle_timeout` is a dead link: UNAVAILABLE.
  absl::Status FillWithin(absl::Duration idle_timeout);
  // Received bytes not consumed yet; valid until the next Fill/Consume.
  absl::string_view data() const {
    return absl::string_view(buffer_.data() + begin_, end_ - begin_);
  }
  void Consume(size_t n) { begin_ += n; }

  // One line ending in "\n"; the terminator ("\r\n" or a bare "\n") is stripped, so a keep-alive
  // newline is an empty line. DATA_LOSS past `max_bytes`; UNAVAILABLE after `idle_timeout` of
  // silence.
  absl::StatusOr<std::string> ReadLine(absl::Duration idle_timeout, size_t max_bytes);

  absl::Status Write(absl::string_view bytes, absl::Time deadline);
  // Every byte received from the socket after Attach(). Any thread.
  uint64_t bytes_received() const { return bytes_received_.load(std::memory_order_relaxed); }
  std::string peer() const;

 private:
  std::unique_ptr<redis::RedisClient> client_;
  ByteThrottle* throttle_;
  size_t read_chunk_bytes_;
  // Makes room for one more read; grows the buffer (claimed from the budget) when needed.
  absl::Status MakeRoom();

  io::MemoryClaim claim_;
  std::vector<char> buffer_;
  size_t begin_ = 0;   // first unconsumed byte
  size_t end_ = 0;     // end of received bytes
  size_t unpaid_ = 0;  // bytes of the last read, charged to the throttle before the next one
  std::atomic<uint64_t> bytes_received_{0};
};

}  // namespace rms::engine::replication
