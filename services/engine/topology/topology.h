// DiscoverTopology: whether the `addrs` of an instance name a standalone server or a Redis
// Cluster, and for a cluster its masters and their slots, asked of any node that answers.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/redis/redis_client.h"

namespace rms::engine::topology {

struct Topology {
  bool cluster = false;
  std::optional<cluster::SlotMap> slots;  // set for a cluster
  redis::Endpoint answered;               // the node that answered
};

// Tries `nodes` in order (each with its own credentials) until
// one answers: INFO cluster, then CLUSTER SHARDS (CLUSTER SLOTS when the server has no SHARDS).
// A standalone server is returned as such (even when several addrs were given: the caller
// decides). UNAVAILABLE naming every node tried when none answers; FAILED_PRECONDITION when the
// cluster leaves a slot without a master; errors of RedisClient (UNAUTHENTICATED...).
absl::StatusOr<Topology> DiscoverTopology(const std::vector<redis::Endpoint>& nodes,
                                          redis::ClientOptions options = {});

// `node` of a discovered cluster with the credentials and TLS settings of `credentials` (one
// instance, one user and password; an empty TLS server name checks each node's own host).
redis::Endpoint NodeEndpoint(const redis::Endpoint& credentials, const cluster::ClusterNode& node);

}  // namespace rms::engine::topology
