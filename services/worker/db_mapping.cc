// DbMapping: source databases renamed to the target's in the snapshot and the stream.
#include "services/worker/db_mapping.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/worker/failure_code.h"

namespace rms::worker {
namespace {

absl::Status Conflict(absl::string_view what) {
  return WithFailureCode(
      absl::FailedPreconditionError(absl::StrCat(
          what,
          ": db_mapping sends both databases to one target database, so the command has "
          "no meaning there; not applied")),
      "DB_MAPPING_CONFLICT");
}

}  // namespace

int DbMapping::Map(int db) const {
  auto it = mapping_.find(db);
  return it == mapping_.end() ? db : it->second;
}

void DbMapping::Apply(engine::rdb::RdbEvent& event) const {
  if (mapping_.empty()) return;
  event.db = Map(event.db);
  event.header.db = Map(event.header.db);
}

absl::StatusOr<std::optional<std::vector<std::string>>> DbMapping::MapCommand(
    absl::Span<const absl::string_view> args) const {
  if (mapping_.empty() || args.empty()) return std::nullopt;
  // Replaces the db number at `index` (when it is one) with the mapped one.
  std::vector<std::string> out;
  auto map_at = [&](size_t index) -> bool {
    int db = 0;
    if (index >= args.size() || !absl::SimpleAtoi(args[index], &db) || db < 0) return false;
    if (Map(db) == db) return false;
    if (out.empty()) {
      for (absl::string_view arg : args) out.emplace_back(arg);
    }
    out[index] = absl::StrCat(Map(db));
    return true;
  };
  const absl::string_view name = args[0];
  if (absl::EqualsIgnoreCase(name, "SELECT")) {
    map_at(1);
  } else if (absl::EqualsIgnoreCase(name, "MOVE")) {
    map_at(2);  // a mapping that merges the two databases makes it a no-op on the target
  } else if (absl::EqualsIgnoreCase(name, "COPY")) {
    for (size_t i = 3; i + 1 < args.size(); ++i) {
      if (absl::EqualsIgnoreCase(args[i], "DB")) map_at(i + 1);
    }
  } else if (absl::EqualsIgnoreCase(name, "SWAPDB")) {
    int a = 0, b = 0;
    if (args.size() == 3 && absl::SimpleAtoi(args[1], &a) && absl::SimpleAtoi(args[2], &b) &&
        (Map(a) != a || Map(b) != b)) {
      if (Map(a) == Map(b)) return Conflict(absl::StrCat("SWAPDB ", a, " ", b));
      out = {std::string(args[0]), absl::StrCat(Map(a)), absl::StrCat(Map(b))};
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace rms::worker
