// SourceShards: a Redis Cluster source seen as shards, one per master, each named by the slots it
// owns ("0-5460"), which is also the key of its checkpoint; and the master of a shard found again
// after a failover (same slots, another node).
#pragma once

#include <bitset>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/cluster/slot.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/redis/redis_client.h"

namespace rms::worker {

using SlotSet = std::bitset<engine::cluster::kClusterSlots>;

struct SourceShard {
  std::string slots;  // "first-last[,first-last...]": the shard's name and checkpoint key
  SlotSet owned;
  engine::redis::Endpoint master;  // as discovered (with the instance's credentials)
};

// "0-5460,10923-12000": the ranges of `slots`, ascending.
std::string SlotRangesText(const SlotSet& slots);

// The shards of a discovered cluster, in the order of its masters.
std::vector<SourceShard> ShardsOf(const engine::cluster::SlotMap& map,
                                  const engine::redis::Endpoint& credentials);

// The master that owns exactly `shard.owned` now, asked of `nodes` (the configured addrs).
// FAILED_PRECONDITION carrying the failure code SOURCE_SLOT_MOVED and naming the first slot whose
// owner changed when the slots are no longer one master's; INVALID_ARGUMENT when the source is no
// longer a cluster; the errors of DiscoverTopology (UNAVAILABLE...).
absl::StatusOr<engine::redis::Endpoint> FindShardMaster(
    const std::vector<engine::redis::Endpoint>& nodes, const SourceShard& shard);

// The SOURCE_SLOT_MOVED failure for `slot` of `shard` (`what` says how it was seen).
absl::Status SlotMovedError(const SourceShard& shard, int slot, absl::string_view what);

}  // namespace rms::worker
