// Error replies as statuses: code from the first word, message naming command and key.
#include "services/engine/writer/reply_errors.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/engine/writer/key_label.h"

namespace rms::engine::writer {

absl::StatusCode CodeOfErrorReply(absl::string_view message) {
  const absl::string_view word = message.substr(0, message.find(' '));
  if (word == "OOM") return absl::StatusCode::kResourceExhausted;
  if (word == "LOADING" || word == "BUSY" || word == "TRYAGAIN" || word == "MASTERDOWN" ||
      word == "CLUSTERDOWN") {
    return absl::StatusCode::kUnavailable;
  }
  if (word == "NOAUTH" || word == "NOPERM") return absl::StatusCode::kPermissionDenied;
  return absl::StatusCode::kFailedPrecondition;
}

bool IsRedirectReply(absl::string_view message) {
  return absl::StartsWith(message, "MOVED ") || absl::StartsWith(message, "ASK ");
}

absl::Status ReplyErrorStatus(absl::string_view node, absl::string_view command,
                              std::optional<absl::string_view> key, absl::string_view message,
                              bool redact_keys) {
  std::string text(message);
  std::string subject = "(no key)";
  if (key.has_value()) {
    subject = absl::StrCat("key ", KeyLabel(*key, redact_keys));
    // A server message may quote the key; a redacted key must not leak through it.
    if (redact_keys && !key->empty()) {
      text = absl::StrReplaceAll(text, {{*key, KeyLabel(*key, true)}});
    }
  }
  return absl::Status(CodeOfErrorReply(text),
                      absl::StrCat(node, " refused ", command, " for ", subject, ": ",
                                   absl::CEscape(absl::string_view(text).substr(0, 512))));
}

std::optional<absl::string_view> KeyOfCommand(absl::Span<const std::string> args) {
  if (args.empty()) return std::nullopt;
  const std::string name = absl::AsciiStrToUpper(args[0]);
  if (name == "SELECT" || name == "PING" || name == "MULTI" || name == "EXEC" ||
      name == "DISCARD" || name == "FLUSHALL" || name == "FLUSHDB" || name == "SCRIPT" ||
      name == "FUNCTION" || name == "SWAPDB" || name == "PUBLISH" || name == "SPUBLISH") {
    return std::nullopt;
  }
  if (name == "EVAL" || name == "EVALSHA" || name == "EVAL_RO" || name == "EVALSHA_RO" ||
      name == "FCALL" || name == "FCALL_RO") {
    int64_t numkeys = 0;
    if (args.size() > 3 && absl::SimpleAtoi(args[2], &numkeys) && numkeys > 0) return args[3];
    return std::nullopt;
  }
  if (args.size() < 2) return std::nullopt;
  return args[1];
}

}  // namespace rms::engine::writer
