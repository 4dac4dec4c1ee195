// ServeConnection: the request/response loop of one HTTP/1.1 connection, with keep-alive.
#pragma once

#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "services/http/byte_stream.h"
#include "services/http/http_message.h"

namespace rms::http {

// Answers one complete request. May block (PostgreSQL); called on the connection's thread.
using Handler = std::function<Response(const Request&)>;
// The reply to a request the HTTP layer refuses; `status` carries a catalogue code
// (DCS.4000, 4408, 4413, 4414, 4415, 4431, 5032).
using Rejecter = std::function<Response(const absl::Status&)>;

// Serves requests from `stream` until the peer closes, a request asks to close, an error, or
// `stopping` is set (checked between requests). Per request: the head must arrive within
// limits.header_timeout of its first byte (the first byte within header_timeout on a new
// connection, idle_timeout between requests), the body within body_timeout after the head.
// A refused request gets the Rejecter's response with "Connection: close", then the connection
// is half-closed and the rest of the input discarded for at most 2 s so the client can read the
// answer. "Expect: 100-continue" is answered before the body is read.
void ServeConnection(ByteStream& stream, const Limits& limits, const Handler& handler,
                     const Rejecter& rejecter, const std::atomic<bool>& stopping);

// Sends `response` with "Connection: close", half-closes and drains the input (at most 2 s).
void RejectAndClose(ByteStream& stream, const Response& response, const Limits& limits);

}  // namespace rms::http
