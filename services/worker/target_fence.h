// TargetFence: fencing on the target itself, which knows no lease epochs: every applier names its
// connections after its task and epoch, and a new owner closes the older epochs' connections.
// An owner that lost its lease and stopped cleanly renames its connection to a handover name that
// carries the stream position the target acknowledged last, so the next owner resumes exactly
// there even when the database never received that position.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"

namespace rms::worker {

// The stream position an older owner left on the target: every command of replication history
// `replid` up to `offset` was acknowledged, and `db` was selected there.
struct Handover {
  int64_t epoch = 0;
  std::string replid;
  int64_t offset = -1;
  int db = 0;
};

// "rms:<task_id>:<epoch>", the CLIENT SETNAME of an applier's connections.
std::string ApplierClientName(absl::string_view task_id, int64_t epoch);
// "rms:<task_id>:<epoch>:ho:<replid>:<offset>:<db>", the name of a stopped owner's connection.
std::string HandoverClientName(absl::string_view task_id, const Handover& handover);

// The connections of CLIENT LIST output (`client_list`) named for `task_id`, split by epoch.
struct ApplierConnections {
  std::vector<int64_t> older_ids;      // CLIENT ids of epochs below the given one
  std::vector<int64_t> unsettled_ids;  // those of them without a handover name (still applying?)
  // The newest older epoch's handovers, if it left any (one per replication history: a cluster
  // source's shards each leave their own).
  std::vector<Handover> handovers;
  int64_t newest_epoch = 0;  // the highest epoch seen (0: none)
};
ApplierConnections FindApplierConnections(absl::string_view client_list, absl::string_view task_id,
                                          int64_t epoch);

// Before an applier's first write on `client` (a new connection to the target): names it, waits
// up to `settle_wait` for older owners' connections to either leave a handover or close, then
// closes (CLIENT KILL ID) every connection of an older epoch of the same task, so a former owner
// that still writes is cut off. Returns the handovers of the newest older owner, if it left any.
// ABORTED when a newer epoch's connection exists (this applier lost the task); the errors of
// RedisClient otherwise.
absl::StatusOr<std::vector<Handover>> FenceTarget(engine::redis::RedisClient& client,
                                                  absl::string_view task_id, int64_t epoch,
                                                  absl::Duration settle_wait = absl::Seconds(5));

// The same fence on the source, best effort: closes the replication links (named
// ApplierClientName by the handshake) of older epochs of the task, so a former owner that hangs
// stops holding a replica output buffer there. ABORTED when a newer epoch's link exists.
absl::Status FenceSource(engine::redis::RedisClient& client, absl::string_view task_id,
                         int64_t epoch);

}  // namespace rms::worker
