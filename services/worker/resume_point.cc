// ResumePoint: the resume position of an online migration and its stored checkpoint.
#include "services/worker/resume_point.h"

namespace rms::worker {

void ResumePoint::StartHistory(std::string new_replid, int64_t offset) {
  replid = std::move(new_replid);
  applied = offset;
  synced_once = true;
  db = 0;
  skip_offsets.clear();
}

void ResumePoint::Reached(const storage::Checkpoint& checkpoint) {
  applied = checkpoint.offset;
  db = checkpoint.db;
  skip_offsets = checkpoint.skip_offsets;
}

storage::Checkpoint ResumePoint::ToCheckpoint(const std::string& shard, int64_t epoch) const {
  return storage::Checkpoint{shard, replid, applied, epoch, db, skip_offsets};
}

std::optional<ResumePoint> LoadResumePoint(storage::WorkerStore& store, absl::string_view task_id,
                                           absl::string_view shard) {
  absl::StatusOr<std::vector<storage::Checkpoint>> checkpoints = store.ReadCheckpoints(task_id);
  if (!checkpoints.ok()) return std::nullopt;
  std::optional<ResumePoint> point;
  for (const storage::Checkpoint& checkpoint : *checkpoints) {
    if (checkpoint.shard != shard) continue;
    point = ResumePoint{checkpoint.replid, checkpoint.offset, checkpoint.db,
                        checkpoint.skip_offsets, /*synced_once=*/true};
  }
  return point;
}

}  // namespace rms::worker
