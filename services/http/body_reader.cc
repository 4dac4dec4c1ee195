// FramingOf and ReadBody: Content-Length, chunked with trailers, and no body at all.
#include "services/http/body_reader.h"

#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace rms::http {
namespace {

constexpr size_t kMaxChunkLine = 1024;

// All comma-separated elements of every field named `name`, trimmed.
std::vector<std::string> ListValues(const Request& request, absl::string_view name) {
  std::vector<std::string> values;
  for (const auto& [header, value] : request.headers) {
    if (!absl::EqualsIgnoreCase(header, name)) continue;
    for (absl::string_view element : absl::StrSplit(value, ',')) {
      values.emplace_back(absl::StripAsciiWhitespace(element));
    }
  }
  return values;
}

absl::StatusOr<BodyFraming> LengthFraming(const std::vector<std::string>& lengths,
                                          size_t max_body_bytes) {
  for (const std::string& length : lengths) {
    if (length != lengths[0]) return errors::MalformedHttp("conflicting Content-Length values");
  }
  const std::string& text = lengths[0];
  uint64_t length = 0;
  if (text.empty() || text.size() > 19 || !absl::c_all_of(text, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &length)) {
    return errors::MalformedHttp("Content-Length is not a decimal number");
  }
  if (length > max_body_bytes) return errors::BodyTooLarge(" (Content-Length)");
  return BodyFraming{BodyFraming::Kind::kLength, static_cast<size_t>(length)};
}

// "1a;name=value" -> 26. DCS.4000 unless hex digits followed by nothing, ';' or blanks.
absl::StatusOr<size_t> ParseChunkSize(absl::string_view line, size_t room) {
  size_t size = 0;
  size_t digits = 0;
  for (; digits < line.size() && absl::ascii_isxdigit(static_cast<unsigned char>(line[digits]));
       ++digits) {
    const char c = absl::ascii_tolower(static_cast<unsigned char>(line[digits]));
    size = size * 16 + static_cast<size_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    if (size > room) return errors::BodyTooLarge(" (chunked)");
  }
  const absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(digits));
  if (digits == 0 || (!rest.empty() && rest[0] != ';')) {
    return errors::MalformedHttp("a bad chunk size line");
  }
  return size;
}

absl::Status ReadTrailers(BufferedReader& reader, const Limits& limits, absl::Time deadline) {
  size_t total = 0;
  while (true) {
    absl::StatusOr<std::string> line = reader.ReadLine(limits.max_header_bytes, deadline);
    if (absl::IsOutOfRange(line.status())) return errors::HeadersTooLarge("trailer fields");
    if (!line.ok()) return line.status();
    if (line->empty()) return absl::OkStatus();
    total += line->size() + 2;
    if (total > limits.max_header_bytes) return errors::HeadersTooLarge("trailer fields");
  }
}

absl::Status ReadChunked(BufferedReader& reader, const Limits& limits, absl::Time deadline,
                         std::string* out) {
  const size_t start = out->size();
  while (true) {
    absl::StatusOr<std::string> line = reader.ReadLine(kMaxChunkLine, deadline);
    if (absl::IsOutOfRange(line.status())) return errors::MalformedHttp("a chunk line too long");
    if (!line.ok()) return line.status();
    const size_t room = limits.max_body_bytes - (out->size() - start);
    ASSIGN_OR_RETURN(const size_t size, ParseChunkSize(*line, room));
    if (size == 0) return ReadTrailers(reader, limits, deadline);
    RETURN_IF_ERROR(reader.ReadExact(size, deadline, out));
    absl::StatusOr<std::string> end = reader.ReadLine(0, deadline);
    if (!end.ok() && !absl::IsOutOfRange(end.status())) return end.status();
    if (!end.ok()) return errors::MalformedHttp("chunk data not followed by CRLF");
  }
}

}  // namespace

absl::StatusOr<BodyFraming> FramingOf(const Request& request, size_t max_body_bytes) {
  const std::vector<std::string> codings = ListValues(request, "Transfer-Encoding");
  const std::vector<std::string> lengths = ListValues(request, "Content-Length");
  if (!codings.empty()) {
    if (!lengths.empty()) {
      return errors::MalformedHttp("both Transfer-Encoding and Content-Length");
    }
    if (request.minor_version == 0) return errors::MalformedHttp("Transfer-Encoding in HTTP/1.0");
    if (codings.size() != 1 || !absl::EqualsIgnoreCase(codings[0], "chunked")) {
      return errors::MalformedHttp("only Transfer-Encoding: chunked is supported");
    }
    return BodyFraming{BodyFraming::Kind::kChunked, 0};
  }
  if (lengths.empty()) return BodyFraming{};
  return LengthFraming(lengths, max_body_bytes);
}

absl::Status ReadBody(BufferedReader& reader, const BodyFraming& framing, const Limits& limits,
                      absl::Time deadline, std::string* out) {
  switch (framing.kind) {
    case BodyFraming::Kind::kNone:
      return absl::OkStatus();
    case BodyFraming::Kind::kLength:
      return reader.ReadExact(framing.length, deadline, out);
    case BodyFraming::Kind::kChunked:
      return ReadChunked(reader, limits, deadline, out);
  }
  return absl::OkStatus();
}

}  // namespace rms::http
