// TargetFence: CLIENT SETNAME, CLIENT LIST parsing, handovers and CLIENT KILL ID of older appliers.
#include "services/worker/target_fence.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kSettlePoll = absl::Milliseconds(100);

// The value of `field=` in one CLIENT LIST line ("" when absent).
absl::string_view Field(absl::string_view line, absl::string_view field) {
  for (absl::string_view part : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&part, field) && absl::ConsumePrefix(&part, "=")) return part;
  }
  return "";
}

// Parses what follows "rms:<task>:" in a name: "<epoch>" or "<epoch>:ho:<replid>:<offset>:<db>".
// False for anything else.
bool ParseNameTail(absl::string_view tail, int64_t* epoch, std::optional<Handover>* handover) {
  std::vector<absl::string_view> parts = absl::StrSplit(tail, ':');
  if (!absl::SimpleAtoi(parts[0], epoch)) return false;
  if (parts.size() == 1) return true;
  Handover found;
  found.epoch = *epoch;
  if (parts.size() != 5 || parts[1] != "ho" || parts[2].empty() ||
      !absl::SimpleAtoi(parts[3], &found.offset) || !absl::SimpleAtoi(parts[4], &found.db)) {
    return false;
  }
  found.replid = std::string(parts[2]);
  *handover = std::move(found);
  return true;
}

absl::StatusOr<ApplierConnections> ListAppliers(engine::redis::RedisClient& client,
                                                absl::string_view task_id, int64_t epoch) {
  ASSIGN_OR_RETURN(engine::resp::RespValue list, client.Command({"CLIENT", "LIST"}));
  ApplierConnections found = FindApplierConnections(list.str, task_id, epoch);
  if (found.newest_epoch > epoch) {
    return absl::AbortedError(absl::StrCat("the target has a connection of epoch ",
                                           found.newest_epoch, " of task ", task_id,
                                           ": a newer owner applies it"));
  }
  return found;
}

// CLIENT KILL ID of each of `ids` (connections of older owners of `task_id`), logged as `what`.
absl::Status CloseOlder(engine::redis::RedisClient& client, const std::vector<int64_t>& ids,
                        absl::string_view task_id, int64_t epoch, absl::string_view what) {
  for (int64_t id : ids) {
    absl::Status killed = client.Command({"CLIENT", "KILL", "ID", absl::StrCat(id)}).status();
    // Gone meanwhile ("No such client") is what was wanted.
    if (!killed.ok() && !absl::IsFailedPrecondition(killed)) return killed;
    LogInfo(absl::StrCat("task ", task_id, ": closed ", what, " ", id,
                         " of an older owner (epoch < ", epoch, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ApplierClientName(absl::string_view task_id, int64_t epoch) {
  return absl::StrCat("rms:", task_id, ":", epoch);
}

std::string HandoverClientName(absl::string_view task_id, const Handover& handover) {
  return absl::StrCat(ApplierClientName(task_id, handover.epoch), ":ho:", handover.replid, ":",
                      handover.offset, ":", handover.db);
}

ApplierConnections FindApplierConnections(absl::string_view client_list, absl::string_view task_id,
                                          int64_t epoch) {
  ApplierConnections found;
  const std::string prefix = absl::StrCat("rms:", task_id, ":");
  int64_t newest_older = 0;
  std::vector<Handover> handovers;
  for (absl::string_view line :
       absl::StrSplit(client_list, absl::ByAnyChar("\r\n"), absl::SkipEmpty())) {
    absl::string_view name = Field(line, "name");
    int64_t their_epoch = 0;
    int64_t id = 0;
    std::optional<Handover> handover;
    if (!absl::ConsumePrefix(&name, prefix) || !ParseNameTail(name, &their_epoch, &handover) ||
        !absl::SimpleAtoi(Field(line, "id"), &id)) {
      continue;
    }
    found.newest_epoch = std::max(found.newest_epoch, their_epoch);
    if (their_epoch >= epoch) continue;
    found.older_ids.push_back(id);
    if (!handover) found.unsettled_ids.push_back(id);
    newest_older = std::max(newest_older, their_epoch);
    if (handover) handovers.push_back(*std::move(handover));
  }
  // Only the newest older owner's positions count: an even newer one may have applied more.
  for (Handover& handover : handovers) {
    if (handover.epoch != newest_older) continue;
    const bool seen =
        std::any_of(found.handovers.begin(), found.handovers.end(), [&](const Handover& other) {
          return other.replid == handover.replid && other.offset == handover.offset;
        });
    if (!seen) found.handovers.push_back(std::move(handover));
  }
  return found;
}

absl::Status FenceSource(engine::redis::RedisClient& client, absl::string_view task_id,
                         int64_t epoch) {
  ASSIGN_OR_RETURN(ApplierConnections found, ListAppliers(client, task_id, epoch));
  return CloseOlder(client, found.older_ids, task_id, epoch, "replication link on the source");
}

absl::StatusOr<std::vector<Handover>> FenceTarget(engine::redis::RedisClient& client,
                                                  absl::string_view task_id, int64_t epoch,
                                                  absl::Duration settle_wait) {
  RETURN_IF_ERROR(
      client.Command({"CLIENT", "SETNAME", ApplierClientName(task_id, epoch)}).status());
  ASSIGN_OR_RETURN(ApplierConnections found, ListAppliers(client, task_id, epoch));
  // An older owner that is still connected without a handover may be draining its last replies
  // before it leaves one: give it a moment, then cut it off regardless.
  const absl::Time settle_until = absl::Now() + settle_wait;
  while (!found.unsettled_ids.empty() && absl::Now() < settle_until) {
    absl::SleepFor(kSettlePoll);
    ASSIGN_OR_RETURN(found, ListAppliers(client, task_id, epoch));
  }
  RETURN_IF_ERROR(CloseOlder(client, found.older_ids, task_id, epoch, "target connection"));
  return found.handovers;
}

}  // namespace rms::worker
