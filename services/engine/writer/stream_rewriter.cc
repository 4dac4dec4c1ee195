// Stream rewrite: entries, then ids and counters, then groups, consumers and their pending entries.
#include "services/engine/writer/stream_rewriter.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::engine::writer {
namespace {

// Creates and drops a group to get an empty stream (XADD cannot create one).
constexpr absl::string_view kTemporaryGroup = "rms-migration-empty-stream";

bool HasEntry(const std::vector<rdb::StreamEntry>& entries, const rdb::StreamId& id) {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), id,
      [](const rdb::StreamEntry& entry, const rdb::StreamId& wanted) { return entry.id < wanted; });
  return it != entries.end() && it->id == id;
}

absl::Status CreateEmptyStream(CommandPipeline& pipeline, absl::string_view key) {
  RETURN_IF_ERROR(pipeline.Add({"XGROUP", "CREATE", key, kTemporaryGroup, "0", "MKSTREAM"}, key));
  return pipeline.Add({"XGROUP", "DESTROY", key, kTemporaryGroup}, key);
}

absl::Status WriteIds(CommandPipeline& pipeline, absl::string_view key,
                      const rdb::StreamValue& stream, int target_rdb_version,
                      StreamRewriteNotes* notes) {
  const std::string last_id = FormatStreamId(stream.last_id);
  if (target_rdb_version < 10) {
    notes->dropped_counters = true;
    return pipeline.Add({"XSETID", key, last_id}, key);
  }
  const std::string added = absl::StrCat(stream.entries_added);
  const std::string max_deleted = FormatStreamId(stream.max_deleted_entry_id);
  return pipeline.Add({"XSETID", key, last_id, "ENTRIESADDED", added, "MAXDELETEDID", max_deleted},
                      key);
}

absl::Status WriteGroup(CommandPipeline& pipeline, absl::string_view key,
                        const std::vector<rdb::StreamEntry>* all_entries,
                        const rdb::StreamGroup& group, int target_rdb_version,
                        StreamRewriteNotes* notes) {
  const std::string last_id = FormatStreamId(group.last_id);
  if (target_rdb_version >= 10 && group.entries_read >= 0) {
    const std::string read = absl::StrCat(group.entries_read);
    RETURN_IF_ERROR(
        pipeline.Add({"XGROUP", "CREATE", key, group.name, last_id, "ENTRIESREAD", read}, key));
  } else {
    RETURN_IF_ERROR(pipeline.Add({"XGROUP", "CREATE", key, group.name, last_id}, key));
  }
  for (const rdb::StreamConsumer& consumer : group.consumers) {
    if (!consumer.pending.empty()) continue;  // XCLAIM below creates it
    RETURN_IF_ERROR(
        pipeline.Add({"XGROUP", "CREATECONSUMER", key, group.name, consumer.name}, key));
  }
  for (const rdb::StreamPendingEntry& pending : group.pending) {
    // XCLAIM ignores ids that are not in the stream, and the consumer is required.
    if (pending.consumer.empty() ||
        (all_entries != nullptr && !HasEntry(*all_entries, pending.id))) {
      ++notes->dropped_pending;
      continue;
    }
    const std::string id = FormatStreamId(pending.id);
    const std::string time = absl::StrCat(pending.delivery_time_ms);
    const std::string count = absl::StrCat(pending.delivery_count);
    // JUSTID keeps XCLAIM from counting this as a delivery; RETRYCOUNT sets the count exactly.
    RETURN_IF_ERROR(pipeline.Add({"XCLAIM", key, group.name, pending.consumer, "0", id, "TIME",
                                  time, "RETRYCOUNT", count, "FORCE", "JUSTID"},
                                 key));
  }
  return absl::OkStatus();
}

}  // namespace

std::string FormatStreamId(const rdb::StreamId& id) { return absl::StrCat(id.ms, "-", id.seq); }

absl::Status WriteStreamEntries(CommandPipeline& pipeline, absl::string_view key,
                                const std::vector<rdb::StreamEntry>& entries) {
  std::vector<absl::string_view> args;
  for (const rdb::StreamEntry& entry : entries) {
    const std::string id = FormatStreamId(entry.id);
    args = {"XADD", key, id};
    for (const auto& [field, value] : entry.fields) {
      args.push_back(field);
      args.push_back(value);
    }
    RETURN_IF_ERROR(pipeline.Add(args, key));
  }
  return absl::OkStatus();
}

absl::Status FinishStream(CommandPipeline& pipeline, absl::string_view key,
                          const rdb::StreamValue& stream, bool any_entry_written,
                          const std::vector<rdb::StreamEntry>* all_entries,
                          int target_rdb_version, StreamRewriteNotes* notes) {
  if (!any_entry_written) RETURN_IF_ERROR(CreateEmptyStream(pipeline, key));
  RETURN_IF_ERROR(WriteIds(pipeline, key, stream, target_rdb_version, notes));
  for (const rdb::StreamGroup& group : stream.groups) {
    RETURN_IF_ERROR(WriteGroup(pipeline, key, all_entries, group, target_rdb_version, notes));
  }
  return absl::OkStatus();
}

}  // namespace rms::engine::writer
