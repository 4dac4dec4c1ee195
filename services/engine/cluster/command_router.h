// RouteCommand: how one replicated write command reaches a Redis Cluster target: whole to the
// master owning its keys' slot, split per key where that keeps its meaning, to every master for
// commands that act on the whole dataset, or refused with a clear error.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/engine/cluster/command_keys.h"
#include "services/engine/cluster/slot_map.h"

namespace rms::engine::cluster {

// One command for one master.
struct RoutedCommand {
  int master = 0;                 // index into SlotMap::masters()
  std::vector<std::string> args;  // the command as sent
  int slot = -1;                  // the slot of its keys; -1 for a command without keys
};

// The commands that carry `args` to the masters of `slots`:
// - keys all in one slot (or hash tag): the command whole, to that slot's master;
// - DEL, UNLINK, EXISTS, TOUCH spanning slots: one command per key; MSET: one per key and value;
// - FLUSHALL, FLUSHDB, SCRIPT LOAD/FLUSH, FUNCTION LOAD/DELETE/FLUSH/RESTORE: to every master;
// - other commands without keys (PUBLISH...): to the first master;
// - PING, SELECT, MULTI, EXEC, DISCARD: INVALID_ARGUMENT (the caller handles them);
// - any other command whose keys span slots (MSETNX, RENAME across slots, a script's keys...):
//   FAILED_PRECONDITION naming the command and the slots.
// Key positions come from `keys`; UNIMPLEMENTED or NOT_FOUND from it are passed on (the caller
// may ask the server with COMMAND GETKEYS and use RouteByKeys).
absl::StatusOr<std::vector<RoutedCommand>> RouteCommand(absl::Span<const absl::string_view> args,
                                                        const CommandKeyTable& keys,
                                                        const SlotMap& slots);

// The same with the key positions given (ascending).
absl::StatusOr<std::vector<RoutedCommand>> RouteByKeys(absl::Span<const absl::string_view> args,
                                                       const std::vector<size_t>& key_positions,
                                                       const SlotMap& slots);

}  // namespace rms::engine::cluster
