// WaitForCatchUp: during incremental migration, waits until the target has applied what the
// source had written (a verification re-checks its differences after it).
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"
#include "services/worker/task_context.h"
#include "storage/task_store.h"
#include "storage/worker_store.h"

namespace rms::worker {

// Reads the source's master_repl_offset (INFO replication) once, then polls the task's
// checkpoints every 100 ms until the applied offset reaches it. Returns OK then, and also when
// the task stops streaming (status no longer INCRMIGEATING), when the source does not say its
// offset, or after `deadline` (logged): the re-check then reports what still differs. Errors:
// the source's, or the context's reason when cancelled.
absl::Status WaitForCatchUp(engine::redis::RedisClient& source, storage::TaskStore& tasks,
                            storage::WorkerStore& workers, const storage::TaskRecord& task,
                            TaskContext& context, absl::Duration deadline);

}  // namespace rms::worker
