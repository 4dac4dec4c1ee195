// DbMapping: the task's db_mapping (source db -> target db, ours) applied to what the source
// sends: the snapshot's keys and the stream's SELECT, MOVE and COPY ... DB. Everything after it
// (the writers, the stored positions) sees target databases only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::worker {

class DbMapping {
 public:
  explicit DbMapping(std::map<int, int> mapping) : mapping_(std::move(mapping)) {}

  bool empty() const { return mapping_.empty(); }
  int Map(int db) const;
  // The event's db (of a key, or of a SELECTDB) as the target's.
  void Apply(engine::rdb::RdbEvent& event) const;
  // The stream command with its databases mapped (SELECT, MOVE, COPY ... DB, SWAPDB); nullopt
  // when it needs no change. A SWAPDB of two databases mapped to one target database is
  // FAILED_PRECONDITION carrying the failure code DB_MAPPING_CONFLICT.
  absl::StatusOr<std::optional<std::vector<std::string>>> MapCommand(
      absl::Span<const absl::string_view> args) const;

 private:
  std::map<int, int> mapping_;
};

}  // namespace rms::worker
