// A small flag parser for migrationctl.
#include "services/ctl/arg_parser.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/ctl/exit_codes.h"

namespace rms::ctl {
namespace {

bool IsFlag(const std::string& token) { return absl::StartsWith(token, "--") || token == "-h"; }

}  // namespace

absl::optional<std::string> ParsedArgs::Value(const std::string& flag) const {
  auto it = values.find(flag);
  if (it == values.end()) return absl::nullopt;
  return it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const FlagSpec& spec) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!IsFlag(args[i])) {
      out.positional.push_back(args[i]);
      continue;
    }
    std::string name = args[i];
    absl::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (spec.switches.count(name) > 0) {
      if (value) return UsageError(absl::StrCat(name, " takes no value"));
      out.switches.insert(name);
      continue;
    }
    if (spec.values.count(name) == 0) return UsageError(absl::StrCat("unknown flag ", name));
    if (!value) {
      if (i + 1 >= args.size()) return UsageError(absl::StrCat(name, " needs a value"));
      value = args[++i];
    }
    out.values[name] = *value;
  }
  return out;
}

void MergeArgs(const ParsedArgs& b, ParsedArgs& a) {
  a.positional.insert(a.positional.end(), b.positional.begin(), b.positional.end());
  for (const auto& [name, value] : b.values) a.values[name] = value;
  a.switches.insert(b.switches.begin(), b.switches.end());
}

absl::StatusOr<absl::optional<int64_t>> IntFlag(const ParsedArgs& args, const std::string& flag,
                                                int64_t min, int64_t max) {
  absl::optional<std::string> text = args.Value(flag);
  if (!text) return absl::optional<int64_t>();
  int64_t value = 0;
  if (!absl::SimpleAtoi(*text, &value) || value < min || value > max) {
    return UsageError(absl::StrCat(flag, " needs an integer between ", min, " and ", max));
  }
  return absl::optional<int64_t>(value);
}

absl::StatusOr<absl::Duration> SecondsFlag(const ParsedArgs& args, const std::string& flag,
                                           absl::Duration fallback, absl::Duration min,
                                           absl::Duration max) {
  absl::optional<std::string> text = args.Value(flag);
  if (!text) return fallback;
  double seconds = 0;
  if (!absl::SimpleAtod(*text, &seconds) || !(seconds >= absl::ToDoubleSeconds(min)) ||
      !(seconds <= absl::ToDoubleSeconds(max))) {
    return UsageError(absl::StrCat(flag, " needs a number of seconds between ",
                                   absl::ToDoubleSeconds(min), " and ",
                                   absl::ToDoubleSeconds(max)));
  }
  return absl::Seconds(seconds);
}

}  // namespace rms::ctl
