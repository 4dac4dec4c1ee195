// The message body of a request: its framing (RFC 9112 section 6) and reading it under a cap.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/http/buffered_reader.h"
#include "services/http/http_message.h"

namespace rms::http {

struct BodyFraming {
  enum class Kind { kNone, kLength, kChunked } kind = Kind::kNone;
  size_t length = 0;  // kLength only
};

// How the body of `request` (head parsed) is delimited: Transfer-Encoding: chunked, a
// Content-Length, or neither (an empty body). DCS.4000 for both headers at once, a transfer
// coding other than "chunked", Transfer-Encoding on HTTP/1.0, a Content-Length that is not
// digits or several different ones; DCS.4413 for a Content-Length above `max_body_bytes`
// (detected before any byte of the body is read).
absl::StatusOr<BodyFraming> FramingOf(const Request& request, size_t max_body_bytes);

// Reads the body framed by `framing` from `reader` and appends it to `out`, by `deadline`:
//   Content-Length: exactly that many bytes;
//   chunked: "<hex size>[;ext]\r\n<bytes>\r\n" ... "0\r\n" trailer fields "\r\n" (trailers are
//   read and dropped).
// Stops as soon as the body would pass `limits.max_body_bytes`: DCS.4413 (nothing beyond the
// cap is buffered). DCS.4000 for a bad chunk size line or a missing CRLF after chunk data;
// DCS.4431 for trailers beyond limits.max_header_bytes; DEADLINE_EXCEEDED; stream errors.
absl::Status ReadBody(BufferedReader& reader, const BodyFraming& framing, const Limits& limits,
                      absl::Time deadline, std::string* out);

}  // namespace rms::http
