// TargetFence: fencing on the target itself, which knows no lease epochs: every applier names its
// connections after its task and epoch, and a new owner closes the older epochs' connections.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/engine/redis/redis_client.h"

namespace rms::worker {

// "rms:<task_id>:<epoch>", the CLIENT SETNAME of an applier's connections.
std::string ApplierClientName(absl::string_view task_id, int64_t epoch);

// The connections of CLIENT LIST output (`client_list`) named for `task_id`, split by epoch.
struct ApplierConnections {
  std::vector<int64_t> older_ids;  // CLIENT ids of epochs below the given one
  int64_t newest_epoch = 0;        // the highest epoch seen (0: none)
};
ApplierConnections FindApplierConnections(absl::string_view client_list, absl::string_view task_id,
                                          int64_t epoch);

// Before an applier's first write on `client` (a new connection to the target): names it, then
// closes (CLIENT KILL ID) every connection of an older epoch of the same task, so a former owner
// that still writes is cut off. ABORTED when a newer epoch's connection exists (this applier
// lost the task); the errors of RedisClient otherwise.
absl::Status FenceTarget(engine::redis::RedisClient& client, absl::string_view task_id,
                         int64_t epoch);

}  // namespace rms::worker
