// FullResyncPolicy: whether a full resync may flush the target, and the persisted fact the
// default policy rests on (did the target hold no keys at the task's first sync?).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "storage/records.h"
#include "storage/worker_store.h"

namespace rms::worker {

class FullResyncPolicy {
 public:
  // `policy`: the task's full_resync_policy ("flush", "fail" or "" for the default); `task`: the
  // claimed row, whose target_empty_at_first_sync a resumed job reads; the store outlives this.
  FullResyncPolicy(std::string policy, const storage::TaskRecord& task,
                   storage::WorkerStore& store);

  // Whether the task's first sync was measured already (by this or an earlier worker).
  bool first_sync_recorded() const { return target_empty_at_first_sync_.has_value(); }
  // At the task's first sync: remembers whether the target held no keys and stores it in the
  // task row (fenced by the lease). The fact is kept in memory even when the write fails (the
  // error is returned: ABORTED for a lost lease, UNAVAILABLE...).
  absl::Status RecordFirstSync(bool target_empty);
  // OK when a full resync after `applied` may flush the target: policy "flush", or the default
  // and the target held no keys at the first sync. Otherwise FAILED_PRECONDITION carrying the
  // failure code FULL_RESYNC_REFUSED and saying why and what the operator can do.
  absl::Status AllowFlush(int64_t applied) const;

 private:
  const std::string policy_;
  const std::string task_id_;
  const int64_t epoch_;
  storage::WorkerStore& store_;
  std::optional<bool> target_empty_at_first_sync_;
};

}  // namespace rms::worker
