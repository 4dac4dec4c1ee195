// RouteCommand: single-slot commands whole, splittable multi-key commands per key, dataset-wide
// commands to every master.
#include "services/engine/cluster/command_router.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rms::engine::cluster {
namespace {

std::vector<std::string> Copy(absl::Span<const absl::string_view> args) {
  return std::vector<std::string>(args.begin(), args.end());
}

bool IsOneOf(absl::string_view name, std::initializer_list<absl::string_view> names) {
  for (absl::string_view candidate : names) {
    if (absl::EqualsIgnoreCase(name, candidate)) return true;
  }
  return false;
}

// Commands that change the whole dataset or the server's scripts: every master must see them.
bool ForEveryMaster(absl::Span<const absl::string_view> args) {
  if (IsOneOf(args[0], {"FLUSHALL", "FLUSHDB"})) return true;
  if (args.size() < 2) return false;
  if (absl::EqualsIgnoreCase(args[0], "SCRIPT")) return IsOneOf(args[1], {"LOAD", "FLUSH"});
  if (absl::EqualsIgnoreCase(args[0], "FUNCTION")) {
    return IsOneOf(args[1], {"LOAD", "DELETE", "FLUSH", "RESTORE"});
  }
  return false;
}

std::vector<RoutedCommand> ToEveryMaster(absl::Span<const absl::string_view> args,
                                         const SlotMap& slots) {
  std::vector<RoutedCommand> out;
  for (size_t i = 0; i < slots.masters().size(); ++i) {
    out.push_back(RoutedCommand{static_cast<int>(i), Copy(args)});
  }
  return out;
}

// DEL k1 k2 ... -> DEL k1, DEL k2 ...; MSET k1 v1 k2 v2 -> MSET k1 v1, MSET k2 v2. Empty when
// the command cannot be split without changing what it means.
std::vector<RoutedCommand> SplitPerKey(absl::Span<const absl::string_view> args,
                                       const std::vector<size_t>& positions, const SlotMap& slots) {
  std::vector<RoutedCommand> out;
  const bool pairs = absl::EqualsIgnoreCase(args[0], "MSET");
  if (!pairs && !IsOneOf(args[0], {"DEL", "UNLINK", "EXISTS", "TOUCH"})) return out;
  for (size_t at : positions) {
    RoutedCommand command{slots.MasterOfKey(args[at]),
                          {std::string(args[0]), std::string(args[at])},
                          SlotOf(args[at])};
    if (pairs) {
      if (at + 1 >= args.size()) return {};
      command.args.emplace_back(args[at + 1]);
    }
    out.push_back(std::move(command));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<RoutedCommand>> RouteByKeys(absl::Span<const absl::string_view> args,
                                                       const std::vector<size_t>& key_positions,
                                                       const SlotMap& slots) {
  if (args.empty()) return absl::InvalidArgumentError("an empty command");
  if (IsOneOf(args[0], {"PING", "SELECT", "MULTI", "EXEC", "DISCARD"})) {
    return absl::InvalidArgumentError(
        absl::StrCat(absl::AsciiStrToUpper(args[0]), " is handled by the stream, not routed"));
  }
  if (ForEveryMaster(args)) return ToEveryMaster(args, slots);
  if (key_positions.empty()) return std::vector<RoutedCommand>{{0, Copy(args)}};
  std::set<int> slot_set;
  for (size_t at : key_positions) slot_set.insert(SlotOf(args[at]));
  if (slot_set.size() == 1) {
    const int slot = *slot_set.begin();
    return std::vector<RoutedCommand>{{slots.MasterOf(slot), Copy(args), slot}};
  }
  std::vector<RoutedCommand> split = SplitPerKey(args, key_positions, slots);
  if (!split.empty()) return split;
  return absl::FailedPreconditionError(absl::StrCat(
      absl::AsciiStrToUpper(args[0]), " has keys in ", slot_set.size(), " slots (",
      absl::StrJoin(slot_set, ", "),
      ") and cannot be split without changing its meaning; a Redis Cluster target runs a "
      "command only when all its keys share a slot (give them one {hash tag} on the source)"));
}

absl::StatusOr<std::vector<RoutedCommand>> RouteCommand(absl::Span<const absl::string_view> args,
                                                        const CommandKeyTable& keys,
                                                        const SlotMap& slots) {
  if (args.empty()) return absl::InvalidArgumentError("an empty command");
  if (IsOneOf(args[0], {"PING", "SELECT", "MULTI", "EXEC", "DISCARD"}) || ForEveryMaster(args)) {
    return RouteByKeys(args, {}, slots);
  }
  absl::StatusOr<std::vector<size_t>> positions = keys.KeyPositions(args);
  if (!positions.ok()) return positions.status();
  return RouteByKeys(args, *positions, slots);
}

}  // namespace rms::engine::cluster
