// BufferedReader: the read side of one connection: head, lines and exact byte counts, bounded.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/http/byte_stream.h"
#include "services/http/http_message.h"

namespace rms::http {

// Holds at most one read chunk (16 KiB) beyond what the current request may use; bytes after a
// request stay buffered for the next one (pipelining). One thread.
class BufferedReader {
 public:
  explicit BufferedReader(ByteStream& stream) : stream_(stream) {}

  // Reads one header section: "<request-line>\r\n(<field>\r\n)*\r\n", skipping empty lines
  // before it, and returns it without the final empty line. The first byte must come by
  // `first_byte_deadline`, the rest within limits.header_timeout of it.
  // Errors: CANCELLED if the peer closed or sent nothing by `first_byte_deadline`; catalogue errors
  // DCS.4414 (the request line exceeds max_request_line), DCS.4431 (the fields exceed
  // max_header_bytes), DCS.4000 (closed mid-head); DEADLINE_EXCEEDED; UNAVAILABLE from the stream.
  absl::StatusOr<std::string> ReadHead(const Limits& limits, absl::Time first_byte_deadline);

  // Reads one line ending in CRLF and returns it without the CRLF. OUT_OF_RANGE if no CRLF
  // comes within `max` bytes; DCS.4000 if the peer closes first; stream errors.
  absl::StatusOr<std::string> ReadLine(size_t max, absl::Time deadline);

  // Appends exactly `n` bytes to `out`. DCS.4000 if the peer closes first; stream errors.
  absl::Status ReadExact(size_t n, absl::Time deadline, std::string* out);

 private:
  // Reads one more chunk into the buffer. DCS.4000 at end of stream; stream errors.
  absl::Status Fill(absl::Time deadline);
  size_t buffered() const { return buffer_.size() - pos_; }

  ByteStream& stream_;
  std::string buffer_;
  size_t pos_ = 0;  // bytes of buffer_ already consumed
};

}  // namespace rms::http
