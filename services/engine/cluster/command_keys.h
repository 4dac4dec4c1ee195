// CommandKeyTable: where the keys of a command are, learnt from the server's own COMMAND reply
// (Redis 7 key specifications; the legacy first/last/step before 7.0), so that commands can be
// routed by slot without a hand-written table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::cluster {

// One key specification: where to begin searching, then how to find the keys from there.
struct KeySpec {
  enum class Begin { kIndex, kKeyword, kUnknown };
  enum class Find { kRange, kKeynum, kUnknown };
  Begin begin = Begin::kUnknown;
  int index = 0;        // kIndex: the argument to begin at
  std::string keyword;  // kKeyword: begin after this argument...
  int startfrom = 0;    // ...searched for from here (negative: backwards from the end)
  Find find = Find::kUnknown;
  int lastkey = 0;    // kRange: the last key relative to the beginning (negative: from the end)
  int keystep = 1;    // kRange and kKeynum: arguments from one key to the next
  int limit = 0;      // kRange with lastkey -1: only 1/limit of the remaining arguments
  int keynumidx = 0;  // kKeynum: where the number of keys is, relative to the beginning
  int firstkey = 0;   // kKeynum: the first key, relative to the beginning
};

class CommandKeyTable {
 public:
  // From the reply of COMMAND (or COMMAND INFO ...). DATA_LOSS for a reply of another shape.
  static absl::StatusOr<CommandKeyTable> FromCommandReply(const resp::RespValue& reply);

  // The positions in `args` (args[0] is the command) of its keys, ascending. NOT_FOUND for a
  // command the server did not list; UNIMPLEMENTED when one of its specifications cannot be
  // followed from the arguments alone (ask the server: COMMAND GETKEYS); INVALID_ARGUMENT when
  // the arguments do not fit the specification (e.g. a key count past the end).
  absl::StatusOr<std::vector<size_t>> KeyPositions(absl::Span<const absl::string_view> args) const;

  size_t size() const { return commands_.size(); }

 private:
  struct Command {
    std::vector<KeySpec> specs;
    bool has_subcommands = false;
  };
  // Parses one COMMAND entry (and its subcommands) into commands_.
  absl::Status AddEntry(const resp::RespValue& entry);
  const Command* Find(absl::Span<const absl::string_view> args) const;

  std::map<std::string, Command> commands_;  // lower-case name, "xgroup|create" for subcommands
};

// The key positions one specification gives for `args`; appended to `positions`.
absl::Status ApplyKeySpec(const KeySpec& spec, absl::Span<const absl::string_view> args,
                          std::vector<size_t>* positions);

}  // namespace rms::engine::cluster
