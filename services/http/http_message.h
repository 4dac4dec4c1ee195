// The HTTP/1.1 request and response as the server hands them to a handler, and the limits.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rms::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request, complete: head parsed, body read and decoded.
struct Request {
  std::string method;    // "GET", as sent (methods are case-sensitive)
  std::string target;    // the raw request-target: "/v2/p/migration-task?offset=0"
  std::string raw_path;  // target up to '?', still percent-encoded (what AK/SK signers sign)
  std::string path;      // raw_path percent-decoded (what the router matches)
  std::vector<std::pair<std::string, std::string>> query;  // decoded pairs, in order
  HeaderList headers;     // in arrival order, names as sent, values without surrounding spaces
  int minor_version = 1;  // HTTP/1.<minor_version>
  std::string raw_body;   // the body bytes as sent (chunked framing removed, still encoded)
  std::string body;       // raw_body after Content-Encoding decoding

  // The first value of header `name` (ASCII case ignored), or nullptr.
  const std::string* FindHeader(absl::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;  // Content-Length and Connection are added by the writer
  std::string body;
};

// What one connection may send. Defaults are documented in docs/api.md ("HTTP limits").
struct Limits {
  size_t max_request_line = 8 << 10;   // longer: 414
  size_t max_header_bytes = 16 << 10;  // header fields after the request line; more: 431
  size_t max_header_count = 100;       // more: 431
  size_t max_body_bytes = 1 << 20;     // raw or decoded; more: 413
  absl::Duration header_timeout = absl::Seconds(10);  // first byte to the end of the head
  absl::Duration body_timeout = absl::Seconds(30);    // end of the head to the end of the body
  absl::Duration idle_timeout = absl::Seconds(60);    // keep-alive wait for the next request
  absl::Duration write_timeout = absl::Seconds(30);   // one response
};

}  // namespace rms::http
