// WaitForCatchUp: the source's replication offset against the task's applied checkpoints.
#include "services/worker/catch_up_wait.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/worker/source_offset_probe.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kPoll = absl::Milliseconds(100);

// True when the task applied `offset` or no longer streams (nothing more will be applied).
absl::StatusOr<bool> CaughtUp(storage::TaskStore& tasks, storage::WorkerStore& workers,
                              const storage::TaskRecord& task, int64_t offset) {
  ASSIGN_OR_RETURN(std::vector<storage::Checkpoint> checkpoints, workers.ReadCheckpoints(task.id));
  int64_t applied = -1;
  for (const storage::Checkpoint& checkpoint : checkpoints) {
    applied = std::max(applied, checkpoint.offset);
  }
  if (applied >= offset) return true;
  ASSIGN_OR_RETURN(storage::TaskRecord row, tasks.GetTask(task.project_id, task.id));
  return row.status != task_model::TaskStatus::kIncrMigrating;
}

}  // namespace

absl::Status WaitForCatchUp(engine::redis::RedisClient& source, storage::TaskStore& tasks,
                            storage::WorkerStore& workers, const storage::TaskRecord& task,
                            TaskContext& context, absl::Duration deadline) {
  ASSIGN_OR_RETURN(engine::resp::RespValue info, source.Command({"INFO", "replication"}));
  const std::optional<int64_t> offset = MasterReplOffset(info.str);
  if (!offset) return absl::OkStatus();
  const absl::Time give_up = absl::Now() + deadline;
  while (true) {
    absl::StatusOr<bool> done = CaughtUp(tasks, workers, task, *offset);
    if (done.ok() && *done) return absl::OkStatus();
    if (absl::Now() >= give_up) {
      LogWarning(absl::StrCat("task ", task.id, ": the target did not reach the source's offset ",
                              *offset, " within ", absl::FormatDuration(deadline),
                              "; the verification re-checks anyway"));
      return absl::OkStatus();
    }
    if (!context.SleepUnlessCancelled(kPoll)) return context.reason();
  }
}

}  // namespace rms::worker
