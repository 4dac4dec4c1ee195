// How a target's error reply becomes a status: its canonical code, the command and the key it
// names (both pipelines of the writer share these rules).
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rms::engine::writer {

// The canonical code for an error reply, from its first word: OOM -> RESOURCE_EXHAUSTED;
// LOADING, BUSY, TRYAGAIN, MASTERDOWN, CLUSTERDOWN -> UNAVAILABLE (transient); NOAUTH, NOPERM ->
// PERMISSION_DENIED; anything else -> FAILED_PRECONDITION.
absl::StatusCode CodeOfErrorReply(absl::string_view message);

// Whether an error reply is a Redis Cluster redirection: "MOVED <slot> <host>:<port>" or
// "ASK <slot> <host>:<port>".
bool IsRedirectReply(absl::string_view message);

// "<node> refused <command> for key <label>: <message>" with CodeOfErrorReply's code. `key` is
// nullopt for commands without one. With `redact_keys` the key shows as key#<hash>, also where
// the server's message quotes it. The message is C-escaped and cut after 512 bytes.
absl::Status ReplyErrorStatus(absl::string_view node, absl::string_view command,
                              std::optional<absl::string_view> key, absl::string_view message,
                              bool redact_keys);

// The key a replicated command names in messages: the first key for the scripting commands
// (EVAL, EVALSHA, FCALL and their _RO forms), none for commands without keys (SELECT, MULTI,
// FLUSHALL, SCRIPT, FUNCTION, PUBLISH...), else the first argument.
std::optional<absl::string_view> KeyOfCommand(absl::Span<const std::string> args);

}  // namespace rms::engine::writer
