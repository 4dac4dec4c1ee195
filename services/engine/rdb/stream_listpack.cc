// Stream node listpacks: master entry, then delta-encoded entries.
#include "services/engine/rdb/stream_listpack.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/listpack.h"

namespace rms::engine::rdb {
namespace {

constexpr int64_t kFlagDeleted = 1;
constexpr int64_t kFlagSameFields = 2;

class NodeReader {
 public:
  explicit NodeReader(ListpackCursor cursor) : cursor_(std::move(cursor)) {}

  absl::StatusOr<bool> Next(PackedItem* item) { return cursor_.Next(item); }
  absl::StatusOr<PackedItem> Required(absl::string_view what) {
    PackedItem item;
    ASSIGN_OR_RETURN(bool more, cursor_.Next(&item));
    if (!more) return absl::InvalidArgumentError(absl::StrCat("listpack ends before ", what));
    return item;
  }
  absl::StatusOr<int64_t> Int(absl::string_view what) {
    ASSIGN_OR_RETURN(PackedItem item, Required(what));
    if (!item.is_int) return absl::InvalidArgumentError(absl::StrCat(what, " is not an integer"));
    return item.num;
  }
  absl::StatusOr<uint64_t> Count(absl::string_view what, uint64_t limit) {
    ASSIGN_OR_RETURN(int64_t n, Int(what));
    if (n < 0 || static_cast<uint64_t>(n) > limit) {
      return absl::InvalidArgumentError(absl::StrCat(what, " ", n, " out of range"));
    }
    return static_cast<uint64_t>(n);
  }
  absl::StatusOr<std::string> String(absl::string_view what) {
    ASSIGN_OR_RETURN(PackedItem item, Required(what));
    return item.ToString();
  }

 private:
  ListpackCursor cursor_;
};

// <count> <deleted> <field count> <field>... <0>
struct MasterEntry {
  uint64_t live = 0;
  uint64_t deleted = 0;
  std::vector<std::string> fields;
};

absl::StatusOr<MasterEntry> ReadMasterEntry(NodeReader& node, uint64_t max_items) {
  MasterEntry m;
  ASSIGN_OR_RETURN(m.live, node.Count("master entry count", max_items));
  ASSIGN_OR_RETURN(m.deleted, node.Count("master deleted count", max_items));
  ASSIGN_OR_RETURN(uint64_t nfields, node.Count("master field count", max_items));
  for (uint64_t i = 0; i < nfields; ++i) {
    ASSIGN_OR_RETURN(std::string f, node.String("master field"));
    m.fields.push_back(std::move(f));
  }
  ASSIGN_OR_RETURN(int64_t terminator, node.Int("master entry terminator"));
  if (terminator != 0) return absl::InvalidArgumentError("master entry terminator is not 0");
  return m;
}

// The rest of an entry after its flags: <ms delta> <seq delta> <values or fields and values>
// <item count>.
absl::Status ReadEntry(NodeReader& node, int64_t flags, StreamId master_id,
                       const MasterEntry& master, uint64_t max_items, StreamEntry* entry) {
  ASSIGN_OR_RETURN(int64_t ms_delta, node.Int("entry ms delta"));
  ASSIGN_OR_RETURN(int64_t seq_delta, node.Int("entry seq delta"));
  entry->id.ms = master_id.ms + static_cast<uint64_t>(ms_delta);
  entry->id.seq = master_id.seq + static_cast<uint64_t>(seq_delta);
  if (flags & kFlagSameFields) {
    for (const std::string& f : master.fields) {
      ASSIGN_OR_RETURN(std::string v, node.String("entry value"));
      entry->fields.emplace_back(f, std::move(v));
    }
  } else {
    ASSIGN_OR_RETURN(uint64_t n, node.Count("entry field count", max_items));
    for (uint64_t i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(std::string f, node.String("entry field"));
      ASSIGN_OR_RETURN(std::string v, node.String("entry value"));
      entry->fields.emplace_back(std::move(f), std::move(v));
    }
  }
  return node.Int("entry item count").status();
}

}  // namespace

absl::Status DecodeStreamListpack(StreamId master_id, absl::string_view blob,
                                  const RdbLimits& limits, StreamValue* stream) {
  ASSIGN_OR_RETURN(ListpackCursor cursor, ListpackCursor::Open(blob));
  NodeReader node(std::move(cursor));
  // A listpack cannot hold more items than bytes, which bounds every count below.
  const uint64_t max_items = blob.size();
  ASSIGN_OR_RETURN(MasterEntry master, ReadMasterEntry(node, max_items));
  uint64_t seen_live = 0, seen_deleted = 0;
  PackedItem flags;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, node.Next(&flags));
    if (!more) break;
    if (!flags.is_int) return absl::InvalidArgumentError("entry flags are not an integer");
    StreamEntry entry;
    RETURN_IF_ERROR(ReadEntry(node, flags.num, master_id, master, max_items, &entry));
    if (flags.num & kFlagDeleted) {
      ++seen_deleted;
      continue;
    }
    ++seen_live;
    if (!stream->entries.empty() && !(stream->entries.back().id < entry.id)) {
      return absl::InvalidArgumentError("entry IDs are not increasing");
    }
    if (stream->entries.size() >= limits.max_elements) {
      return absl::InvalidArgumentError("stream has more entries than the element limit");
    }
    stream->entries.push_back(std::move(entry));
  }
  if (seen_live != master.live || seen_deleted != master.deleted) {
    return absl::InvalidArgumentError(
        absl::StrCat("master entry counts ", master.live, " live and ", master.deleted,
                     " deleted entries, found ", seen_live, " and ", seen_deleted));
  }
  if (seen_live + seen_deleted == 0) return absl::InvalidArgumentError("empty node listpack");
  return absl::OkStatus();
}

}  // namespace rms::engine::rdb
