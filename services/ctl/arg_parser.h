// A small flag parser for migrationctl: "--flag value", "--flag=value", switches, positionals.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace rms::ctl {

// Which flags a command accepts.
struct FlagSpec {
  std::set<std::string> values;    // flags that take a value: "--limit"
  std::set<std::string> switches;  // flags without one: "--json"
};

// What the parser found, in command-line order for positionals; the last of a repeated flag wins.
struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> switches;

  bool Has(const std::string& flag) const { return values.count(flag) > 0; }
  bool Switch(const std::string& flag) const { return switches.count(flag) > 0; }
  absl::optional<std::string> Value(const std::string& flag) const;
};

// Parses `args` against `spec`. A token starting with "--" (or "-h") is a flag; "-" alone and
// everything else is a positional. Errors (UsageError): an unknown flag, a missing value, a
// value given to a switch ("--json=1").
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const FlagSpec& spec);

// Merges `b` into `a` (flags of `b` win).
void MergeArgs(const ParsedArgs& b, ParsedArgs& a);

// An integer flag between `min` and `max`; nullopt when absent; UsageError when malformed.
absl::StatusOr<absl::optional<int64_t>> IntFlag(const ParsedArgs& args, const std::string& flag,
                                                int64_t min, int64_t max);

// A duration flag in seconds ("1", "0.5") between `min` and `max`; `fallback` when absent;
// UsageError when malformed.
absl::StatusOr<absl::Duration> SecondsFlag(const ParsedArgs& args, const std::string& flag,
                                           absl::Duration fallback, absl::Duration min,
                                           absl::Duration max);

}  // namespace rms::ctl
