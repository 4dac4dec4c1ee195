// ParseRequestHead: strict request-line and field-line grammar; no line folding, no bare LF.
#include "services/http/request_parser.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/http/url_decoding.h"

namespace rms::http {
namespace {

// tchar of RFC 9110: the characters of methods and field names.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsToken(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// "GET /path?q HTTP/1.1"
absl::Status ParseRequestLine(absl::string_view line, Request* request) {
  const std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || !IsToken(parts[0]) || parts[1].empty() || parts[1][0] != '/') {
    return errors::MalformedHttp("the request line is not 'METHOD /target HTTP/1.1'");
  }
  for (char c : parts[1]) {
    if (c <= 0x20 || c >= 0x7f) return errors::MalformedHttp("a bad byte in the request target");
  }
  if (parts[2] == "HTTP/1.1") {
    request->minor_version = 1;
  } else if (parts[2] == "HTTP/1.0") {
    request->minor_version = 0;
  } else {
    return errors::MalformedHttp("only HTTP/1.0 and HTTP/1.1 are served");
  }
  request->method = std::string(parts[0]);
  request->target = std::string(parts[1]);
  const size_t question = parts[1].find('?');
  request->raw_path = std::string(parts[1].substr(0, question));
  ASSIGN_OR_RETURN(request->path, PercentDecode(request->raw_path, false));
  if (question != absl::string_view::npos) {
    ASSIGN_OR_RETURN(request->query, ParseQuery(parts[1].substr(question + 1)));
  }
  return absl::OkStatus();
}

// "Name: value"
absl::Status ParseField(absl::string_view line, Request* request) {
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    return errors::MalformedHttp("obsolete line folding in a header field");
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon))) {
    return errors::MalformedHttp("a header field is not 'Name: value'");
  }
  absl::string_view value = line.substr(colon + 1);
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return errors::MalformedHttp("a control character in a header value");
    }
  }
  value = absl::StripTrailingAsciiWhitespace(absl::StripLeadingAsciiWhitespace(value));
  request->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Request> ParseRequestHead(absl::string_view head, const Limits& limits) {
  Request request;
  const std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  for (absl::string_view line : lines) {
    if (line.find('\n') != absl::string_view::npos || line.find('\r') != absl::string_view::npos) {
      return errors::MalformedHttp("a bare CR or LF in the header section");
    }
  }
  RETURN_IF_ERROR(ParseRequestLine(lines[0], &request));
  if (lines.size() - 1 > limits.max_header_count) {
    return errors::HeadersTooLarge(
        absl::StrCat("more than ", limits.max_header_count, " header fields"));
  }
  for (size_t i = 1; i < lines.size(); ++i) RETURN_IF_ERROR(ParseField(lines[i], &request));
  return request;
}

}  // namespace rms::http
