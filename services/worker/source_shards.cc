// SourceShards: the masters of a cluster source as shards named by their slots.
#include "services/worker/source_shards.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status_macros.h"
#include "services/engine/topology/topology.h"
#include "services/worker/failure_code.h"
#include "services/worker/peer_layout.h"

namespace rms::worker {

std::string SlotRangesText(const SlotSet& slots) {
  std::vector<std::string> ranges;
  for (int slot = 0; slot < engine::cluster::kClusterSlots; ++slot) {
    if (!slots[slot]) continue;
    int last = slot;
    while (last + 1 < engine::cluster::kClusterSlots && slots[last + 1]) ++last;
    ranges.push_back(last == slot ? absl::StrCat(slot) : absl::StrCat(slot, "-", last));
    slot = last;
  }
  return absl::StrJoin(ranges, ",");
}

std::vector<SourceShard> ShardsOf(const engine::cluster::SlotMap& map,
                                  const engine::redis::Endpoint& credentials) {
  std::vector<SourceShard> shards(map.masters().size());
  for (int slot = 0; slot < engine::cluster::kClusterSlots; ++slot) {
    shards[map.MasterOf(slot)].owned.set(slot);
  }
  std::vector<SourceShard> out;
  for (size_t i = 0; i < shards.size(); ++i) {
    if (shards[i].owned.none()) continue;  // a master that lost all its slots after a MOVED
    shards[i].slots = SlotRangesText(shards[i].owned);
    shards[i].master = engine::topology::NodeEndpoint(credentials, map.masters()[i]);
    out.push_back(std::move(shards[i]));
  }
  return out;
}

absl::Status SlotMovedError(const SourceShard& shard, int slot, absl::string_view what) {
  return WithFailureCode(
      absl::FailedPreconditionError(absl::StrCat(
          "slot ", slot, " moved between masters of the source cluster (", what, "; shard ",
          shard.slots,
          "): the two masters' replication streams have no common order, so the move cannot be "
          "replayed safely; finish the reshard, then start a new migration")),
      "SOURCE_SLOT_MOVED");
}

absl::StatusOr<engine::redis::Endpoint> FindShardMaster(
    const std::vector<engine::redis::Endpoint>& nodes, const SourceShard& shard) {
  ASSIGN_OR_RETURN(engine::topology::Topology topology, DiscoverPeer(nodes));
  if (!topology.cluster) {
    return absl::InvalidArgumentError(
        absl::StrCat(topology.answered.Describe(), " is no longer a Redis Cluster node"));
  }
  const engine::cluster::SlotMap& map = *topology.slots;
  // The shard's master now is the one holding most of its slots (all of them, unless a slot moved).
  std::vector<int> held(map.masters().size(), 0);
  for (int slot = 0; slot < engine::cluster::kClusterSlots; ++slot) {
    if (shard.owned[slot]) ++held[map.MasterOf(slot)];
  }
  const int master = static_cast<int>(std::max_element(held.begin(), held.end()) - held.begin());
  if (held[master] == 0) return absl::InvalidArgumentError("a source shard without slots");
  for (int slot = 0; slot < engine::cluster::kClusterSlots; ++slot) {
    if (shard.owned[slot] != (map.MasterOf(slot) == master)) {
      return SlotMovedError(shard, slot, "seen in the cluster's slot map");
    }
  }
  return engine::topology::NodeEndpoint(shard.master, map.masters()[master]);
}

}  // namespace rms::worker
