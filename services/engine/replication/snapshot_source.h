// SnapshotSource: the RDB payload of a full resync as a ByteSource that ends where the RDB ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/replication/replication_link.h"

namespace rms::engine::replication {

// Reads, after `+FULLRESYNC`:
//   "\n"...                  keep-alives while the source prepares the RDB (skipped)
//   "-<error>\r\n"           the source gave up (e.g. BGSAVE failed): UNAVAILABLE, retry later
//   "$<len>\r\n" <len bytes>  disk-based transfer (no CRLF after the payload)
//   "$EOF:<40 bytes mark>\r\n" <payload> <mark>   diskless transfer; the mark is stripped
// The diskless end is found without buffering the RDB: the last 39 bytes are held back until the
// following bytes show whether the mark starts among them. Bytes after the end stay in the link
// for the command stream. Read() returns 0 exactly at the end of the payload.
// Errors are sticky: UNAVAILABLE (link broken, silent for idle_timeout, source aborted),
// DATA_LOSS (malformed header), CANCELLED, or the throttle's error. Reading thread only, except
// payload_bytes()/size(), which any thread may read.
class SnapshotSource : public io::ByteSource {
 public:
  static constexpr size_t kMarkBytes = 40;

  SnapshotSource(ReplicationLink& link, absl::Duration idle_timeout);
  // After +CONTINUE no snapshot follows: from now on Read() returns 0.
  void MarkAbsent() { state_ = State::kEnded; }

  absl::StatusOr<size_t> Read(char* out, size_t max) override;

  // True once Read() has returned 0.
  bool ended() const { return state_ == State::kEnded; }
  // Payload bytes delivered so far.
  uint64_t payload_bytes() const { return payload_bytes_.load(std::memory_order_relaxed); }
  // The announced size of a disk-based transfer; -1 for diskless or before the header.
  int64_t size() const { return size_.load(std::memory_order_relaxed); }
  bool diskless() const { return !mark_.empty(); }

 private:
  enum class State { kHeader, kSized, kMarked, kEnded };

  absl::Status ReadHeader();
  // "$<len>": a disk-based transfer of exactly len bytes.
  absl::Status StartSized(absl::string_view line);
  absl::StatusOr<size_t> ReadSized(char* out, size_t max);
  absl::StatusOr<size_t> ReadMarked(char* out, size_t max);
  size_t Deliver(char* out, size_t n);

  ReplicationLink& link_;
  absl::Duration idle_timeout_;
  State state_ = State::kHeader;
  absl::Status error_;
  std::string mark_;
  uint64_t remaining_ = 0;     // kSized: payload bytes still to deliver
  size_t known_payload_ = 0;   // kMarked: leading link bytes known to be payload
  bool mark_located_ = false;  // kMarked: the mark starts right after known_payload_
  std::atomic<uint64_t> payload_bytes_{0};
  std::atomic<int64_t> size_{-1};
};

}  // namespace rms::engine::replication
