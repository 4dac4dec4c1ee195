// PeerLayout: what the configured addrs of a task's source and target turn out to be (a
// standalone server or a Redis Cluster), asked of the servers once per job run.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/topology/topology.h"

namespace rms::worker {

struct TargetLayout {
  bool cluster = false;
  // The configured nodes (a cluster writer discovers the cluster from them again on every
  // connect, so a topology change between runs is followed).
  std::vector<engine::redis::Endpoint> nodes;
  // The node itself, or the cluster's masters when it was asked (for key counts).
  std::vector<engine::redis::Endpoint> masters;
};

// DiscoverTopology with the worker's timeouts (10 s per node).
absl::StatusOr<engine::topology::Topology> DiscoverPeer(
    const std::vector<engine::redis::Endpoint>& nodes);

// The node to replicate from: a standalone server, or the only master of a one-master cluster.
// INVALID_ARGUMENT for a cluster with several masters (OnlineTaskJob gives a cluster source a
// ShardedSourceJob; replicating one master would silently leave the others' keys behind) and for
// several addrs that name a standalone server; the errors of DiscoverTopology (UNAVAILABLE,
// UNAUTHENTICATED).
absl::StatusOr<engine::redis::Endpoint> ResolveSourceNode(
    const std::vector<engine::redis::Endpoint>& nodes);

// Whether the target is a cluster, with its masters. INVALID_ARGUMENT for several addrs that
// name a standalone server; the errors of DiscoverTopology.
absl::StatusOr<TargetLayout> ResolveTarget(const std::vector<engine::redis::Endpoint>& nodes);

}  // namespace rms::worker
