// TargetFence: CLIENT SETNAME, CLIENT LIST parsing and CLIENT KILL ID of older appliers.
#include "services/worker/target_fence.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace rms::worker {
namespace {

// The value of `field=` in one CLIENT LIST line ("" when absent).
absl::string_view Field(absl::string_view line, absl::string_view field) {
  for (absl::string_view part : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&part, field) && absl::ConsumePrefix(&part, "=")) return part;
  }
  return "";
}

}  // namespace

std::string ApplierClientName(absl::string_view task_id, int64_t epoch) {
  return absl::StrCat("rms:", task_id, ":", epoch);
}

ApplierConnections FindApplierConnections(absl::string_view client_list, absl::string_view task_id,
                                          int64_t epoch) {
  ApplierConnections found;
  const std::string prefix = absl::StrCat("rms:", task_id, ":");
  for (absl::string_view line :
       absl::StrSplit(client_list, absl::ByAnyChar("\r\n"), absl::SkipEmpty())) {
    absl::string_view name = Field(line, "name");
    int64_t their_epoch = 0;
    int64_t id = 0;
    if (!absl::ConsumePrefix(&name, prefix) || !absl::SimpleAtoi(name, &their_epoch) ||
        !absl::SimpleAtoi(Field(line, "id"), &id)) {
      continue;
    }
    found.newest_epoch = std::max(found.newest_epoch, their_epoch);
    if (their_epoch < epoch) found.older_ids.push_back(id);
  }
  return found;
}

absl::Status FenceTarget(engine::redis::RedisClient& client, absl::string_view task_id,
                         int64_t epoch) {
  const std::string name = ApplierClientName(task_id, epoch);
  RETURN_IF_ERROR(client.Command({"CLIENT", "SETNAME", name}).status());
  ASSIGN_OR_RETURN(engine::resp::RespValue list, client.Command({"CLIENT", "LIST"}));
  ApplierConnections found = FindApplierConnections(list.str, task_id, epoch);
  if (found.newest_epoch > epoch) {
    return absl::AbortedError(absl::StrCat("the target has a connection of epoch ",
                                           found.newest_epoch, " of task ", task_id,
                                           ": a newer owner applies it"));
  }
  for (int64_t id : found.older_ids) {
    absl::Status killed = client.Command({"CLIENT", "KILL", "ID", absl::StrCat(id)}).status();
    // Gone meanwhile ("No such client") is what was wanted.
    if (!killed.ok() && !absl::IsFailedPrecondition(killed)) return killed;
    LogInfo(absl::StrCat("task ", task_id, ": closed target connection ", id,
                         " of an older owner (epoch < ", epoch, ")"));
  }
  return absl::OkStatus();
}

}  // namespace rms::worker
