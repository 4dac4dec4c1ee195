// Mapping Redis versions to the RDB versions they load.
#include "services/engine/writer/target_version.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/status_macros.h"

namespace rms::engine::writer {

absl::StatusOr<int> RdbVersionForRedisVersion(absl::string_view redis_version) {
  std::vector<absl::string_view> parts = absl::StrSplit(redis_version, '.');
  int major = 0;
  int minor = 0;
  if (parts.size() < 2 || !absl::SimpleAtoi(parts[0], &major) ||
      !absl::SimpleAtoi(parts[1], &minor) || major < 0 || minor < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unparsable Redis version '", redis_version.substr(0, 40), "'"));
  }
  const int version = major * 100 + minor;
  if (version >= 704) return 12;
  if (version >= 702) return 11;
  if (version >= 700) return 10;
  if (version >= 500) return 9;
  if (version >= 400) return 8;
  if (version >= 302) return 7;
  if (version >= 206) return 6;
  if (version >= 204) return 2;
  return 1;
}

absl::StatusOr<int> QueryTargetRdbVersion(TargetNode& node) {
  ASSIGN_OR_RETURN(std::vector<resp::RespValue> replies,
                   node.Exchange(resp::EncodeCommand({"INFO", "server"}), 1));
  const resp::RespValue& reply = replies.at(0);
  if (reply.IsError()) {
    return absl::FailedPreconditionError(
        absl::StrCat(node.Describe(), " refused INFO server: ", reply.str.substr(0, 200)));
  }
  for (absl::string_view line : absl::StrSplit(reply.str, '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (absl::ConsumePrefix(&line, "redis_version:")) return RdbVersionForRedisVersion(line);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(node.Describe(), ": INFO server has no redis_version"));
}

}  // namespace rms::engine::writer
