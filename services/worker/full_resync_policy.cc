// FullResyncPolicy: the full_resync_policy decision and the first-sync fact it reads.
#include "services/worker/full_resync_policy.h"

#include "absl/strings/str_cat.h"
#include "services/worker/failure_code.h"

namespace rms::worker {

FullResyncPolicy::FullResyncPolicy(std::string policy, const storage::TaskRecord& task,
                                   storage::WorkerStore& store)
    : policy_(std::move(policy)),
      task_id_(task.id),
      epoch_(task.lease_epoch),
      store_(store),
      target_empty_at_first_sync_(task.target_empty_at_first_sync) {}

absl::Status FullResyncPolicy::RecordFirstSync(bool target_empty) {
  target_empty_at_first_sync_ = target_empty;
  return store_
      .UpdateLeasedTask(task_id_, epoch_,
                        [target_empty](storage::TaskRecord& row, storage::TaskEvent&) {
                          row.target_empty_at_first_sync = target_empty;
                          return absl::OkStatus();
                        })
      .status();
}

absl::Status FullResyncPolicy::AllowFlush(int64_t applied) const {
  if (policy_ == "flush" || (policy_.empty() && target_empty_at_first_sync_ == true)) {
    return absl::OkStatus();
  }
  const std::string why =
      policy_ == "fail" ? "full_resync_policy is \"fail\""
      : target_empty_at_first_sync_.has_value()
          ? "the target held keys at the task's first sync, which a flush would delete"
          : "the task's first sync was not measured, so it cannot be told whether the target "
            "held other keys then";
  return WithFailureCode(
      absl::FailedPreconditionError(absl::StrCat(
          "the source cannot continue after offset ", applied,
          " (its backlog no longer holds it) and a full resync would flush the target, but ", why,
          ": flush the target yourself, or configure the task with full_resync_policy \"flush\", "
          "then restart it")),
      "FULL_RESYNC_REFUSED");
}

}  // namespace rms::worker
