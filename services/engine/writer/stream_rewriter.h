// Stream rewrite: recreates a stream (entries, ids, consumer groups, consumers, pending entries)
// on the target with XADD / XSETID / XGROUP / XCLAIM, its entries chunk by chunk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/writer/command_pipeline.h"

namespace rms::engine::writer {

// What the target could not be given, for the task log.
struct StreamRewriteNotes {
  // Pending entries whose message is no longer in the stream: XCLAIM cannot recreate them.
  uint64_t dropped_pending = 0;
  // The target is older than 7.0: entries-added, max-deleted-entry-id and entries-read were not
  // set (XSETID and XGROUP CREATE there take no such arguments).
  bool dropped_counters = false;
};

// "1700000000000-3"
std::string FormatStreamId(const rdb::StreamId& id);

// The commands recreating a stream on the target, for `key` (which the caller has just deleted),
// in two steps so that a stream of any size goes through in bounded memory:
// WriteStreamEntries, per chunk of entries as the RDB reader hands them out:
//   XADD key <id> field value ...                       per live entry, in id order
// FinishStream, with the metadata and groups at the key's end:
//   XGROUP CREATE key <tmp> 0 MKSTREAM + XGROUP DESTROY key <tmp>   when no entry was written
//   XSETID key <last_id> ENTRIESADDED <n> MAXDELETEDID <id>     (7.0+: ids and counters exact)
//   XGROUP CREATE key <group> <last_delivered_id> [ENTRIESREAD <n>]    per group
//   XGROUP CREATECONSUMER key <group> <consumer>        per consumer without pending entries
//   XCLAIM key <group> <consumer> 0 <id> TIME <delivery ms> RETRYCOUNT <n> FORCE JUSTID
//                                                       per pending entry (exact time and count)
// Consumers' seen/active times cannot be set: the target records the time of the rewrite.
// Errors: those of CommandPipeline::Add.
absl::Status WriteStreamEntries(CommandPipeline& pipeline, absl::string_view key,
                                const std::vector<rdb::StreamEntry>& entries);
// `all_entries`: every entry of the stream when the caller still holds them (then pending entries
// of deleted messages are counted in notes->dropped_pending and not sent), else null (XCLAIM is
// sent for each; the target ignores those whose message is gone, the same result uncounted).
absl::Status FinishStream(CommandPipeline& pipeline, absl::string_view key,
                          const rdb::StreamValue& stream, bool any_entry_written,
                          const std::vector<rdb::StreamEntry>* all_entries,
                          int target_rdb_version, StreamRewriteNotes* notes);

}  // namespace rms::engine::writer
