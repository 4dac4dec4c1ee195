// SerializeResponse: the bytes of an HTTP/1.1 response (status line, fields, body).
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/http/http_message.h"

namespace rms::http {

// "OK", "Not Found", ...; "Unknown" for codes it does not know.
absl::string_view ReasonPhrase(int status);

// "HTTP/1.1 <status> <reason>\r\n<fields>\r\nContent-Length: <n>\r\n[Connection: close\r\n]\r\n"
// followed by the body, unless `head_request` (then Content-Length is still the body's size, as
// for the GET). Fields in `response.headers` named Content-Length or Connection are ignored.
std::string SerializeResponse(const Response& response, bool head_request, bool close);

}  // namespace rms::http
