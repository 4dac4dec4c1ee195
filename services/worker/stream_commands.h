// What the stream forwarders need to know of a replicated command: PING, MULTI/EXEC/DISCARD and
// the database a SELECT picks.
#pragma once

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rms::worker {

// Whether `args` is the argument-less command `name` (case-insensitive).
inline bool IsBareCommand(absl::Span<const absl::string_view> args, absl::string_view name) {
  return args.size() == 1 && absl::EqualsIgnoreCase(args[0], name);
}

// The db of `SELECT <db>`, or -1 for any other command.
inline int SelectedDb(absl::Span<const absl::string_view> args) {
  int db = -1;
  if (args.size() == 2 && absl::EqualsIgnoreCase(args[0], "SELECT") &&
      absl::SimpleAtoi(args[1], &db)) {
    return db;
  }
  return -1;
}

}  // namespace rms::worker
