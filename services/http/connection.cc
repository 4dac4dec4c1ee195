// ServeConnection: read head, frame and read body, decode, handle, write; repeat or close.
#include "services/http/connection.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/http/body_reader.h"
#include "services/http/buffered_reader.h"
#include "services/http/content_decoding.h"
#include "services/http/request_parser.h"
#include "services/http/response_writer.h"

namespace rms::http {
namespace {

// After a refusal the server reads (and drops) what the client still sends, so that the client
// reads the answer before the close resets the connection; at most this long and this much.
constexpr absl::Duration kLingerTime = absl::Seconds(2);
constexpr size_t kLingerBytes = 4 << 20;

bool KeepAlive(const Request& request) {
  const std::string* connection = request.FindHeader("Connection");
  const std::string value = connection ? absl::AsciiStrToLower(*connection) : "";
  if (request.minor_version == 0) return absl::StrContains(value, "keep-alive");
  return !absl::StrContains(value, "close");
}

bool ExpectsContinue(const Request& request, const BodyFraming& framing) {
  const std::string* expect = request.FindHeader("Expect");
  return expect != nullptr && absl::EqualsIgnoreCase(*expect, "100-continue") &&
         request.minor_version == 1 && framing.kind != BodyFraming::Kind::kNone;
}

// A transport failure while a request was arriving, as the client should hear it.
absl::Status AsRefusal(const absl::Status& status, absl::string_view part) {
  if (absl::IsDeadlineExceeded(status)) return errors::RequestTimeout(part);
  return status;
}

// Reads the rest of one request after its head: body, then Content-Encoding decoding.
absl::Status ReadRest(BufferedReader& reader, ByteStream& stream, const Limits& limits,
                      Request* request) {
  ASSIGN_OR_RETURN(const BodyFraming framing, FramingOf(*request, limits.max_body_bytes));
  const absl::Time deadline = absl::Now() + limits.body_timeout;
  if (ExpectsContinue(*request, framing)) {
    RETURN_IF_ERROR(stream.Write("HTTP/1.1 100 Continue\r\n\r\n", deadline));
  }
  RETURN_IF_ERROR(
      AsRefusal(ReadBody(reader, framing, limits, deadline, &request->raw_body), "body"));
  const std::string* encoding = request->FindHeader("Content-Encoding");
  if (encoding == nullptr || request->raw_body.empty()) {
    request->body = request->raw_body;
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(request->body,
                   DecodeContent(*encoding, request->raw_body, limits.max_body_bytes));
  return absl::OkStatus();
}

}  // namespace

void RejectAndClose(ByteStream& stream, const Response& response, const Limits& limits) {
  const absl::Time deadline = absl::Now() + limits.write_timeout;
  if (!stream.Write(SerializeResponse(response, false, true), deadline).ok()) return;
  stream.ShutdownWrite();
  const absl::Time linger_end = absl::Now() + kLingerTime;
  char sink[16 << 10];
  for (size_t dropped = 0; dropped < kLingerBytes;) {
    absl::StatusOr<size_t> got = stream.Read(sink, sizeof(sink), linger_end);
    if (!got.ok() || *got == 0) return;
    dropped += *got;
  }
}

void ServeConnection(ByteStream& stream, const Limits& limits, const Handler& handler,
                     const Rejecter& rejecter, const std::atomic<bool>& stopping) {
  BufferedReader reader(stream);
  absl::Duration wait = limits.header_timeout;
  while (!stopping.load()) {
    absl::StatusOr<std::string> head = reader.ReadHead(limits, absl::Now() + wait);
    if (absl::IsCancelled(head.status())) return;  // closed or idle: nothing to answer
    absl::StatusOr<Request> request =
        head.ok() ? ParseRequestHead(*head, limits) : AsRefusal(head.status(), "header section");
    absl::Status status = request.status();
    if (request.ok()) status = ReadRest(reader, stream, limits, &*request);
    if (!status.ok()) {
      // Refusals carry a catalogue code; a dead socket does not and gets no answer.
      if (errors::DcsCodeOf(status)) RejectAndClose(stream, rejecter(status), limits);
      return;
    }
    const bool keep_alive = KeepAlive(*request) && !stopping.load();
    const Response response = handler(*request);
    const std::string bytes = SerializeResponse(response, request->method == "HEAD", !keep_alive);
    if (!stream.Write(bytes, absl::Now() + limits.write_timeout).ok() || !keep_alive) return;
    wait = limits.idle_timeout;
  }
}

}  // namespace rms::http
