// RdbReader: a streaming RDB parser that turns an RDB byte stream into events, one Next() at a
// time, holding at most one chunk of one value (plus its raw capture) in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/io/buffered_reader.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/rdb/value_decoder.h"

namespace rms::engine::rdb {

// Event order: aux/function/db records as they come; per key kKeyBegin, zero or more kElements,
// kKeyEnd; finally kEnd. Lengths are checked against `limits` before anything is allocated.
// Errors (sticky: every later Next() returns the same one):
//  - DATA_LOSS "corrupt RDB at offset N: ..." or "unexpected end of stream at offset N ..." for
//    bad or truncated bytes, and for a CRC64 mismatch;
//  - FAILED_PRECONDITION for an RDB version outside 1..12, module values, the pre-GA function
//    format, and any Next() after kEnd;
//  - errors of the source (UNAVAILABLE, CANCELLED...) unchanged.
// It never reads past the 8 checksum bytes after EOF, but may have read ahead of what it consumed:
// see read_ahead(). Not thread-safe; the source is used only from Next().
class RdbReader {
 public:
  explicit RdbReader(io::ByteSource& source, RdbLimits limits = {});
  ~RdbReader();
  RdbReader(const RdbReader&) = delete;
  RdbReader& operator=(const RdbReader&) = delete;

  // The next event, in a new RdbEvent (tests, and callers that keep events).
  absl::StatusOr<RdbEvent> Next();
  // The next event, written over `event`, whose buffers are reused: the fast way to read a whole
  // RDB. Every field the new event does not set is reset to its default.
  absl::Status Next(RdbEvent* event);

  // What each key's consumer needs of its value (ValueNeeds), asked at its kKeyBegin; unset:
  // kElementsAndRaw for every key. A sink that writes a value from its elements saves the raw
  // copy; one that RESTOREs it saves the decoding.
  void set_value_needs(std::function<ValueNeeds(const KeyHeader&)> needs) {
    value_needs_ = std::move(needs);
  }

  // The RDB version from the header; 0 before the first Next().
  int version() const { return version_; }
  // Bytes of the RDB consumed so far.
  uint64_t bytes_read() const { return in_.offset(); }
  // Bytes taken from the source beyond those consumed (after kEnd: whatever followed the RDB).
  absl::string_view read_ahead() const { return in_.buffered(); }

 private:
  enum class State { kHeader, kRecords, kValue, kValueEnd, kDone, kFailed };
  struct PendingKeyMeta {
    int64_t expire_at_ms = -1;
    int64_t lru_idle_seconds = -1;
    int lfu_freq = -1;
  };
  class CrcObserver;

  absl::Status NextEvent(RdbEvent& ev);
  absl::Status ReadHeader();
  absl::Status ReadRecord(RdbEvent& ev);
  absl::Status BeginKey(uint8_t type, RdbEvent& ev);
  absl::Status ContinueValue(RdbEvent& ev);
  absl::Status EndValue(RdbEvent& ev);
  absl::Status Finish(RdbEvent& ev);
  // Reads the opcodes that only annotate the next key; false if `op` is not one of them.
  absl::StatusOr<bool> ReadKeyMeta(uint8_t op);

  RdbLimits limits_;
  std::unique_ptr<CrcObserver> crc_;
  io::BufferedReader in_;
  State state_ = State::kHeader;
  absl::Status status_;
  int version_ = 0;
  int db_ = 0;
  PendingKeyMeta pending_;

  // The value being decoded.
  std::unique_ptr<ValueDecoder> decoder_;
  uint8_t value_type_ = 0;
  uint64_t value_offset_ = 0;
  uint64_t value_elements_ = 0;
  bool capturing_ = false;
  std::string capture_;
  std::function<ValueNeeds(const KeyHeader&)> value_needs_;
};

}  // namespace rms::engine::rdb
