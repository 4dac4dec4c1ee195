// ResumePoint: where an online migration continues after a lost link, a restart or a takeover,
// and its conversion to and from the checkpoint the WorkerStore keeps per source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "storage/worker_store.h"

namespace rms::worker {

struct ResumePoint {
  std::string replid;                 // the source's history; "" = a full resync is needed
  int64_t applied = -1;               // last offset applied to the target
  int db = 0;                         // db of the last SELECT forwarded (Redis does not repeat
                                      // it after +CONTINUE)
  std::vector<int64_t> skip_offsets;  // commands after `applied` the target already applied
  bool synced_once = false;           // the target holds a snapshot of this source

  // A new history: the snapshot of `replid` up to `offset` was copied (the source starts the
  // stream with a SELECT, and nothing of the new history was applied before).
  void StartHistory(std::string new_replid, int64_t offset);
  // Takes the position the stream forwarder reached.
  void Reached(const storage::Checkpoint& checkpoint);
  // The checkpoint of source `shard`, written under lease `epoch`.
  storage::Checkpoint ToCheckpoint(const std::string& shard, int64_t epoch) const;
};

// The stored checkpoint of source `shard` of task `task_id` as a resume point; nullopt when
// there is none or it cannot be read (the job then starts with a first sync, as before).
std::optional<ResumePoint> LoadResumePoint(storage::WorkerStore& store, absl::string_view task_id,
                                           absl::string_view shard);

}  // namespace rms::worker
