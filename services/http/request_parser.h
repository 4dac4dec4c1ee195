// ParseRequestHead: the request line and header fields of one HTTP/1.x request (RFC 9112).
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/http/http_message.h"

namespace rms::http {

// Parses `head` as returned by BufferedReader::ReadHead:
//   "POST /v2/p/migration-task?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2"
// Fills method, target, raw_path, path, query, headers and minor_version (no body).
// Errors (catalogue): DCS.4000 for a bad request line (not "METHOD SP /target SP HTTP/1.x"),
// a bad field name or value, an obsolete line folding, a bad percent-encoding; DCS.4431 for
// more than limits.max_header_count fields.
absl::StatusOr<Request> ParseRequestHead(absl::string_view head, const Limits& limits);

}  // namespace rms::http
