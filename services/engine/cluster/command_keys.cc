// CommandKeyTable: COMMAND reply parsing and the key-specification rules.
#include "services/engine/cluster/command_keys.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/engine/cluster/reply_fields.h"

namespace rms::engine::cluster {
namespace {

using resp::RespValue;

absl::Status Malformed(const RespValue& value) {
  return absl::DataLossError(absl::StrCat("malformed COMMAND reply: ", value.Describe()));
}

// Whether the specification may miss keys (its flags say INCOMPLETE): only the server can tell.
bool Incomplete(const RespValue& value) {
  const RespValue* flags = FieldOf(value, "flags");
  if (flags == nullptr) return false;
  for (const RespValue& flag : flags->elements) {
    if (IsText(flag) && absl::EqualsIgnoreCase(flag.str, "incomplete")) return true;
  }
  return false;
}

KeySpec ParseKeySpec(const RespValue& value) {
  KeySpec spec;
  if (Incomplete(value)) return spec;  // begins in an unknown way: UNIMPLEMENTED when used
  if (const RespValue* begin = FieldOf(value, "begin_search")) {
    const std::string type = TextField(*begin, "type");
    const RespValue* detail = FieldOf(*begin, "spec");
    if (type == "index" && detail != nullptr) {
      spec.begin = KeySpec::Begin::kIndex;
      spec.index = IntField(*detail, "index");
    } else if (type == "keyword" && detail != nullptr) {
      spec.begin = KeySpec::Begin::kKeyword;
      spec.keyword = TextField(*detail, "keyword");
      spec.startfrom = IntField(*detail, "startfrom");
    }
  }
  if (const RespValue* find = FieldOf(value, "find_keys")) {
    const std::string type = TextField(*find, "type");
    const RespValue* detail = FieldOf(*find, "spec");
    if (type == "range" && detail != nullptr) {
      spec.find = KeySpec::Find::kRange;
      spec.lastkey = IntField(*detail, "lastkey");
      spec.keystep = IntField(*detail, "keystep");
      spec.limit = IntField(*detail, "limit");
    } else if (type == "keynum" && detail != nullptr) {
      spec.find = KeySpec::Find::kKeynum;
      spec.keynumidx = IntField(*detail, "keynumidx");
      spec.firstkey = IntField(*detail, "firstkey");
      spec.keystep = IntField(*detail, "keystep");
    }
  }
  return spec;
}

// Before Redis 7 (no key specifications): first key, last key (negative: from the end), step.
KeySpec LegacySpec(int64_t first, int64_t last, int64_t step) {
  KeySpec spec;
  spec.begin = KeySpec::Begin::kIndex;
  spec.index = static_cast<int>(first);
  spec.find = KeySpec::Find::kRange;
  spec.lastkey = static_cast<int>(last < 0 ? last : last - first);
  spec.keystep = static_cast<int>(step);
  return spec;
}

// Where the keys begin; -1 when the keyword is absent (the specification gives no key).
absl::StatusOr<int> BeginOf(const KeySpec& spec, absl::Span<const absl::string_view> args) {
  const int argc = static_cast<int>(args.size());
  if (spec.begin == KeySpec::Begin::kIndex) return spec.index;
  if (spec.begin != KeySpec::Begin::kKeyword) {
    return absl::UnimplementedError("a key specification that begins in an unknown way");
  }
  const int from = spec.startfrom >= 0 ? spec.startfrom : argc + spec.startfrom;
  const int step = spec.startfrom >= 0 ? 1 : -1;
  for (int i = from; i >= 1 && i < argc; i += step) {
    if (absl::EqualsIgnoreCase(args[i], spec.keyword)) return i + 1;
  }
  return -1;
}

}  // namespace

absl::Status ApplyKeySpec(const KeySpec& spec, absl::Span<const absl::string_view> args,
                          std::vector<size_t>* positions) {
  const int argc = static_cast<int>(args.size());
  absl::StatusOr<int> begin = BeginOf(spec, args);
  if (!begin.ok()) return begin.status();
  if (*begin < 0) return absl::OkStatus();
  int first = *begin;
  int last = 0;
  if (spec.find == KeySpec::Find::kRange) {
    if (spec.lastkey >= 0) {
      last = first + spec.lastkey;
    } else if (spec.limit <= 1) {
      last = argc + spec.lastkey;
    } else {
      last = first + ((argc - first) / spec.limit + spec.lastkey);
    }
  } else if (spec.find == KeySpec::Find::kKeynum) {
    int64_t keys = 0;
    const int at = first + spec.keynumidx;
    if (at >= argc || !absl::SimpleAtoi(args[at], &keys) || keys < 0 || keys > argc) {
      return absl::InvalidArgumentError(
          absl::StrCat(args[0], ": no valid key count at argument ", at));
    }
    first += spec.firstkey;
    last = first + static_cast<int>(keys - 1) * spec.keystep;
  } else {
    return absl::UnimplementedError("a key specification that finds keys in an unknown way");
  }
  const int step = std::max(spec.keystep, 1);
  for (int i = first; i <= last; i += step) {
    if (i < 1 || i >= argc) {
      return absl::InvalidArgumentError(
          absl::StrCat(args[0], ": its key specification points past its ", argc, " arguments"));
    }
    positions->push_back(static_cast<size_t>(i));
  }
  return absl::OkStatus();
}

absl::StatusOr<CommandKeyTable> CommandKeyTable::FromCommandReply(const RespValue& reply) {
  if (reply.type != RespValue::Type::kArray) return Malformed(reply);
  CommandKeyTable table;
  for (const RespValue& entry : reply.elements) {
    if (entry.type == RespValue::Type::kNullArray) continue;  // COMMAND INFO of an unknown name
    if (absl::Status added = table.AddEntry(entry); !added.ok()) return added;
  }
  return table;
}

absl::Status CommandKeyTable::AddEntry(const RespValue& entry) {
  const std::vector<RespValue>& e = entry.elements;
  if (entry.type != RespValue::Type::kArray || e.size() < 6 || !IsText(e[0]) ||
      e[3].type != RespValue::Type::kInteger || e[4].type != RespValue::Type::kInteger ||
      e[5].type != RespValue::Type::kInteger) {
    return Malformed(entry);
  }
  Command command;
  if (e.size() >= 10 && e[8].type == RespValue::Type::kArray) {
    for (const RespValue& spec : e[8].elements) command.specs.push_back(ParseKeySpec(spec));
    command.has_subcommands = e[9].type == RespValue::Type::kArray && !e[9].elements.empty();
    if (command.has_subcommands) {
      for (const RespValue& sub : e[9].elements) {
        if (absl::Status added = AddEntry(sub); !added.ok()) return added;
      }
    }
  } else if (e[3].integer > 0) {
    command.specs.push_back(LegacySpec(e[3].integer, e[4].integer, e[5].integer));
  }
  commands_[absl::AsciiStrToLower(e[0].str)] = std::move(command);
  return absl::OkStatus();
}

const CommandKeyTable::Command* CommandKeyTable::Find(
    absl::Span<const absl::string_view> args) const {
  auto it = commands_.find(absl::AsciiStrToLower(args[0]));
  if (it == commands_.end()) return nullptr;
  if (it->second.has_subcommands && args.size() > 1) {
    auto sub = commands_.find(absl::AsciiStrToLower(absl::StrCat(args[0], "|", args[1])));
    if (sub != commands_.end()) return &sub->second;
  }
  return &it->second;
}

absl::StatusOr<std::vector<size_t>> CommandKeyTable::KeyPositions(
    absl::Span<const absl::string_view> args) const {
  if (args.empty()) return absl::InvalidArgumentError("an empty command");
  const Command* command = Find(args);
  if (command == nullptr) {
    return absl::NotFoundError(absl::StrCat("the server does not know the command ", args[0]));
  }
  std::vector<size_t> positions;
  for (const KeySpec& spec : command->specs) {
    if (absl::Status applied = ApplyKeySpec(spec, args, &positions); !applied.ok()) {
      return applied;
    }
  }
  std::sort(positions.begin(), positions.end());  // two specifications may name one key
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

}  // namespace rms::engine::cluster
