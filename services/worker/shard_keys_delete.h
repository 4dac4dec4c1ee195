// DeleteShardKeys: before one shard of a cluster source is copied again (its source could not
// continue the stream), the target forgets that shard's keys only: FLUSHALL would also wipe the
// other shards, which keep streaming.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/redis/redis_client.h"
#include "services/worker/source_shards.h"
#include "services/worker/task_context.h"

namespace rms::worker {

// SCANs every key of every node of `target_masters` (db 0) and UNLINKs those in `slots`.
// Returns how many keys were deleted; the errors of RedisClient; the context's reason when
// cancelled.
absl::StatusOr<uint64_t> DeleteShardKeys(const std::vector<engine::redis::Endpoint>& target_masters,
                                         const SlotSet& slots, TaskContext& context);

}  // namespace rms::worker
