// The replica handshake: REPLCONF, PSYNC, and the classification of the source's replies.
#include "services/engine/replication/psync_handshake.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::replication {
namespace {

constexpr size_t kMaxReplyLine = 64 << 10;

absl::Status Malformed(absl::string_view peer, absl::string_view what, absl::string_view line) {
  return absl::DataLossError(
      absl::StrCat("source ", peer, " sent a malformed ", what, ": ", line.substr(0, 200)));
}

// Reads the next non-empty line: empty ones are keep-alives.
absl::StatusOr<std::string> ReadReplyLine(ReplicationLink& link, absl::Duration idle_timeout) {
  while (true) {
    absl::StatusOr<std::string> line = link.ReadLine(idle_timeout, kMaxReplyLine);
    if (!line.ok() || !line->empty()) return line;
  }
}

// A REPLCONF reply: "+OK", or an error that only matters when it is about credentials or ACLs.
absl::Status CheckReplconfReply(absl::string_view line, absl::string_view peer) {
  if (!absl::StartsWith(line, "-")) return absl::OkStatus();
  absl::string_view error = line.substr(1);
  if (absl::StartsWith(error, "NOAUTH") || absl::StartsWith(error, "WRONGPASS") ||
      absl::StartsWith(error, "NOPERM")) {
    return ClassifyErrorReply(error, "REPLCONF", peer);
  }
  return absl::OkStatus();  // e.g. "-ERR Unrecognized REPLCONF option" from an old source
}

}  // namespace

absl::Status ClassifyErrorReply(absl::string_view error, absl::string_view command,
                                absl::string_view peer) {
  const std::string message = absl::StrCat("source ", peer, " refused ", command, ": ", error);
  for (absl::string_view later : {"NOMASTERLINK", "LOADING", "MASTERDOWN", "BUSY"}) {
    if (absl::StartsWith(error, later)) return absl::UnavailableError(message);
  }
  if (absl::StartsWith(error, "NOAUTH") || absl::StartsWith(error, "WRONGPASS")) {
    return absl::UnauthenticatedError(message);
  }
  return absl::FailedPreconditionError(message);
}

absl::StatusOr<PsyncReply> ParsePsyncReply(absl::string_view line, const HandshakeRequest& request,
                                           absl::string_view peer) {
  if (absl::StartsWith(line, "-")) return ClassifyErrorReply(line.substr(1), "PSYNC", peer);
  const std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
  PsyncReply reply;
  if (words[0] == "+FULLRESYNC") {
    if (words.size() != 3 || words[1].empty() || !absl::SimpleAtoi(words[2], &reply.offset) ||
        reply.offset < 0) {
      return Malformed(peer, "+FULLRESYNC", line);
    }
    reply.full_resync = true;
    reply.replid = std::string(words[1]);
    return reply;
  }
  if (words[0] == "+CONTINUE") {
    if (words.size() > 2 || request.replid.empty()) return Malformed(peer, "+CONTINUE", line);
    reply.replid = words.size() == 2 && !words[1].empty() ? std::string(words[1]) : request.replid;
    reply.offset = request.applied_offset;
    return reply;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("source ", peer, " gave an unexpected reply to PSYNC: ", line.substr(0, 200)));
}

absl::StatusOr<PsyncReply> RunHandshake(ReplicationLink& link, const HandshakeRequest& request) {
  const bool resume = !request.replid.empty();
  if (resume && request.applied_offset < 0) {
    return absl::InvalidArgumentError("PSYNC resume needs an applied offset >= 0");
  }
  const std::string peer = link.peer();
  std::string replconf;
  resp::AppendCommand(replconf,
                      {"REPLCONF", "listening-port", absl::StrCat(request.listening_port)});
  resp::AppendCommand(replconf, {"REPLCONF", "capa", "eof", "capa", "psync2"});
  int replies = 2;
  if (!request.client_name.empty()) {
    resp::AppendCommand(replconf, {"CLIENT", "SETNAME", request.client_name});
    ++replies;
  }
  RETURN_IF_ERROR(link.Write(replconf, absl::Now() + request.idle_timeout));
  for (int i = 0; i < replies; ++i) {
    absl::StatusOr<std::string> line = ReadReplyLine(link, request.idle_timeout);
    if (!line.ok()) return line.status();
    RETURN_IF_ERROR(CheckReplconfReply(*line, peer));
  }
  // Only now: Redis refuses PSYNC while replies to this client are still pending
  // ("-ERR SYNC and PSYNC are invalid with pending output").
  const std::string psync =
      resp::EncodeCommand({"PSYNC", resume ? request.replid : "?",
                           resume ? absl::StrCat(request.applied_offset + 1) : "-1"});
  RETURN_IF_ERROR(link.Write(psync, absl::Now() + request.idle_timeout));
  absl::StatusOr<std::string> line = ReadReplyLine(link, request.idle_timeout);
  if (!line.ok()) return line.status();
  return ParsePsyncReply(*line, request, peer);
}

}  // namespace rms::engine::replication
