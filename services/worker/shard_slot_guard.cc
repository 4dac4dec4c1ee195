// ShardSlotGuard: keys of a shard's stream must stay in the shard's slots.
#include "services/worker/shard_slot_guard.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/worker/failure_code.h"

namespace rms::worker {

absl::StatusOr<ShardSlotGuard> ShardSlotGuard::Load(engine::redis::RedisClient& source,
                                                    SourceShard shard) {
  ASSIGN_OR_RETURN(engine::resp::RespValue commands, source.Command({"COMMAND"}));
  ASSIGN_OR_RETURN(engine::cluster::CommandKeyTable keys,
                   engine::cluster::CommandKeyTable::FromCommandReply(commands));
  return ShardSlotGuard(std::move(keys), std::move(shard));
}

absl::Status ShardSlotGuard::Check(absl::Span<const absl::string_view> args) const {
  if (args.empty()) return absl::OkStatus();
  // The only shard (a one-master cluster) may flush: nobody else's keys are on the target.
  const bool only_shard = shard_.owned.all();
  if (!only_shard &&
      (absl::EqualsIgnoreCase(args[0], "FLUSHALL") || absl::EqualsIgnoreCase(args[0], "FLUSHDB"))) {
    return WithFailureCode(
        absl::FailedPreconditionError(absl::StrCat(
            "source master of shard ", shard_.slots, " replicated ", absl::AsciiStrToUpper(args[0]),
            ": it cannot be replayed on a target that also holds the other shards' keys; the "
            "target was left as it was before it; start a new migration")),
        "SOURCE_SHARD_FLUSHED");
  }
  absl::StatusOr<std::vector<size_t>> positions = keys_.KeyPositions(args);
  if (!positions.ok()) return absl::OkStatus();
  for (size_t position : *positions) {
    const int slot = engine::cluster::SlotOf(args[position]);
    if (!shard_.owned[slot]) {
      return SlotMovedError(shard_, slot,
                            absl::StrCat(absl::AsciiStrToUpper(args[0]),
                                         " of a key in it arrived on this shard's stream"));
    }
  }
  return absl::OkStatus();
}

}  // namespace rms::worker
