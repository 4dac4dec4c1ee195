// WorkerStore: how engine workers claim tasks, hold leases and record progress (fenced by epoch).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/records.h"
#include "storage/task_store.h"

namespace rms::storage {

// The replication position of one source shard, as applied to the target.
struct Checkpoint {
  std::string shard;   // "" for a standalone source; the node address for a cluster shard
  std::string replid;  // the source's replication id
  int64_t offset = 0;  // the last byte of the replication stream applied to the target
  int64_t epoch = 0;   // lease epoch of the writer
  int db = 0;          // the database the stream had selected at `offset`
  // Commands after `offset` the target already applied, by the offset right after each
  // (ascending): a resume does not apply them again.
  std::vector<int64_t> skip_offsets;
};

// Every call is thread-safe. "Fenced" calls succeed only while `epoch` is still the task's lease
// epoch; otherwise ABORTED (the lease was lost: another worker took the task over).
class WorkerStore {
 public:
  virtual ~WorkerStore() = default;

  // Takes the lease of one task a worker should run now (an operator wants it running and no
  // live lease holds it, or it is TERMINATING and its worker died): lease_owner = `owner`,
  // lease_epoch + 1, expiry now + `ttl`. Skips rows locked by other claimers. nullopt if none.
  virtual absl::StatusOr<std::optional<TaskRecord>> ClaimTask(absl::string_view owner,
                                                              absl::Duration ttl) = 0;
  // Extends the lease to now + `ttl` and returns the row (desired_state, config). Fenced.
  virtual absl::StatusOr<TaskRecord> RenewLease(absl::string_view task_id, int64_t epoch,
                                                absl::Duration ttl) = 0;
  // Applies `mutate` under the row lock and writes the row and the event. Fenced.
  virtual absl::StatusOr<TaskRecord> UpdateLeasedTask(absl::string_view task_id, int64_t epoch,
                                                      const TaskMutation& mutate) = 0;
  // Gives the lease up (owner and expiry cleared). Fenced.
  virtual absl::Status ReleaseLease(absl::string_view task_id, int64_t epoch) = 0;
  // Replaces the task's stats (a JSON object). Fenced.
  virtual absl::Status WriteStats(absl::string_view task_id, int64_t epoch,
                                  absl::string_view stats_json) = 0;
  // Upserts the checkpoint of `checkpoint.shard`. Fenced.
  virtual absl::Status WriteCheckpoint(absl::string_view task_id, int64_t epoch,
                                       const Checkpoint& checkpoint) = 0;
  virtual absl::StatusOr<std::vector<Checkpoint>> ReadCheckpoints(absl::string_view task_id) = 0;
  // Removes every checkpoint of the task (a full resync starts from scratch). Fenced.
  virtual absl::Status ClearCheckpoints(absl::string_view task_id, int64_t epoch) = 0;
  // Appends a log entry (not a transition). Fenced.
  virtual absl::Status AddEvent(absl::string_view task_id, int64_t epoch,
                                const TaskEvent& event) = 0;
};

}  // namespace rms::storage
