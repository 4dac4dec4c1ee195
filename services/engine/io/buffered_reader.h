// BufferedReader: reads a ByteSource through one buffer so parsers pay no virtual call per byte,
// counts consumed bytes, and can show them to an observer (a checksum) and a tee (a raw capture).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/io/byte_source.h"

namespace rms::engine::io {

// Sees every consumed byte exactly once, in stream order, in batches.
class ConsumedBytesObserver {
 public:
  virtual ~ConsumedBytesObserver();
  virtual void OnConsumed(absl::string_view bytes) = 0;
};

// Not thread-safe: one parser thread owns it. It may read ahead of what was consumed (up to the
// buffer size); `buffered()` shows those bytes so a caller that stops early can hand them on.
// Running out of input in the middle of a read is DATA_LOSS "unexpected end of stream at offset N";
// errors of the source pass through unchanged.
class BufferedReader {
 public:
  static constexpr size_t kDefaultBufferSize = 64 * 1024;

  explicit BufferedReader(ByteSource& source, size_t buffer_size = kDefaultBufferSize);
  BufferedReader(const BufferedReader&) = delete;
  BufferedReader& operator=(const BufferedReader&) = delete;

  // Bytes consumed so far (the stream offset of the next byte).
  uint64_t offset() const { return base_offset_ + pos_; }

  absl::StatusOr<uint8_t> ReadByte() {
    if (pos_ < end_) return static_cast<uint8_t>(buf_[pos_++]);
    return ReadByteSlow();
  }
  // Reads exactly `n` bytes into `out` (replacing its content / into raw memory). Big reads go
  // straight from the source into `out`, bypassing the buffer; a big string is filled a step at a
  // time, so memory follows the bytes that actually arrive.
  absl::Status ReadExact(size_t n, std::string* out);
  absl::Status ReadExact(size_t n, char* out);
  absl::Status Skip(size_t n);

  // Copies every byte consumed from now on into `capture` (cleared first) until StopTee. If the
  // capture would pass `limit` bytes it is cleared, its memory released, and copying stops.
  void StartTee(std::string* capture, size_t limit);
  // Ends the capture; true if it is complete (did not pass the limit).
  bool StopTee();

  // Installs (or with nullptr removes) the observer; bytes consumed before are not shown to it.
  void SetObserver(ConsumedBytesObserver* observer);
  // Shows every byte consumed so far to the observer and the tee now.
  void Flush();

  // Bytes read from the source but not consumed yet.
  absl::string_view buffered() const { return absl::string_view(buf_.data() + pos_, end_ - pos_); }

 private:
  absl::StatusOr<uint8_t> ReadByteSlow();
  // Ensures at least one unconsumed byte is buffered; false at end of stream.
  absl::StatusOr<bool> Fill();
  void Publish(const char* data, size_t n);
  absl::Status Truncated(size_t missing) const;

  ByteSource& source_;
  std::vector<char> buf_;
  size_t pos_ = 0;            // next unconsumed byte in buf_
  size_t end_ = 0;            // end of valid data in buf_
  size_t published_ = 0;      // bytes of buf_ before this were shown to observer_/tee_
  uint64_t base_offset_ = 0;  // stream offset of buf_[0]
  ConsumedBytesObserver* observer_ = nullptr;
  std::string* tee_ = nullptr;
  size_t tee_limit_ = 0;
  bool tee_overflow_ = false;
};

}  // namespace rms::engine::io
