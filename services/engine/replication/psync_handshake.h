// The replica handshake: REPLCONF, PSYNC, and the classification of the source's replies.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/replication/replication_link.h"

namespace rms::engine::replication {

// The source's answer to PSYNC.
struct PsyncReply {
  bool full_resync = false;  // true: a snapshot follows; false: the stream continues
  std::string replid;        // the source's current replication ID
  // FULLRESYNC: the offset the snapshot represents. CONTINUE: the requested applied offset (the
  // stream resumes with the byte after it).
  int64_t offset = 0;
};

struct HandshakeRequest {
  std::string replid;           // "" = no history: `PSYNC ? -1`
  int64_t applied_offset = -1;  // the last byte applied (ignored when replid is "")
  int listening_port = 0;       // shown as `port=` in the source's INFO replication
  std::string client_name;      // CLIENT SETNAME before PSYNC ("" = none)
  absl::Duration idle_timeout = absl::Seconds(60);
};

// Sends, pipelined:
//   REPLCONF listening-port <port>      -> +OK (an error is ignored: old sources lack it)
//   REPLCONF capa eof capa psync2       -> +OK (likewise)
//   CLIENT SETNAME <client_name>        -> +OK (when a name is given; an error is ignored: a
//                                          managed source may have renamed CLIENT)
// then, once both replies arrived (Redis refuses PSYNC while replies are pending),
// `PSYNC ? -1` or `PSYNC <replid> <applied_offset + 1>` (Redis asks for the first byte it
// does not have: the backlog's byte numbering makes offset N the N-th byte ever propagated) and
// returns the parsed reply. The source may send bare "\n" keep-alives before it (while it waits
// for a BGSAVE to start); they are skipped.
// Errors: see ClassifyErrorReply; UNAVAILABLE for a broken link; DATA_LOSS for a malformed reply.
absl::StatusOr<PsyncReply> RunHandshake(ReplicationLink& link, const HandshakeRequest& request);

// Parses one PSYNC reply line (without CRLF):
//   +FULLRESYNC <replid> <offset>
//   +CONTINUE                  (psync1: same replid)
//   +CONTINUE <new replid>     (psync2: the source changed ID, e.g. after a failover)
//   -<error>                   (see ClassifyErrorReply)
// `request` supplies the replid/offset a CONTINUE keeps.
absl::StatusOr<PsyncReply> ParsePsyncReply(absl::string_view line, const HandshakeRequest& request,
                                           absl::string_view peer);

// Maps an error reply ("-LOADING ...", without the '-') to a status carrying the server's text:
//   NOMASTERLINK, LOADING, MASTERDOWN, BUSY -> UNAVAILABLE (the source is not ready: retry later)
//   NOAUTH, WRONGPASS                       -> UNAUTHENTICATED
//   anything else (NOPERM, ERR ...)         -> FAILED_PRECONDITION (give up)
absl::Status ClassifyErrorReply(absl::string_view error, absl::string_view command,
                                absl::string_view peer);

}  // namespace rms::engine::replication
