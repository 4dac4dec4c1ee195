// PeerLayout: standalone or cluster, asked of the configured nodes.
#include "services/worker/peer_layout.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/topology/topology.h"

namespace rms::worker {
namespace {

// How long discovery waits for each configured node.
constexpr absl::Duration kDiscoveryTimeout = absl::Seconds(10);

absl::Status StandaloneWithSeveralNodes(absl::string_view role,
                                        const std::vector<engine::redis::Endpoint>& nodes,
                                        const engine::redis::Endpoint& answered) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the ", role, " lists ", nodes.size(), " nodes, but ", answered.Describe(),
      " is a standalone server, not a Redis Cluster node: give one node for a standalone ", role));
}

}  // namespace

absl::StatusOr<engine::topology::Topology> DiscoverPeer(
    const std::vector<engine::redis::Endpoint>& nodes) {
  engine::redis::ClientOptions options;
  options.connect_timeout = kDiscoveryTimeout;
  options.io_timeout = kDiscoveryTimeout;
  return engine::topology::DiscoverTopology(nodes, options);
}

absl::StatusOr<engine::redis::Endpoint> ResolveSourceNode(
    const std::vector<engine::redis::Endpoint>& nodes) {
  ASSIGN_OR_RETURN(engine::topology::Topology topology, DiscoverPeer(nodes));
  if (!topology.cluster) {
    if (nodes.size() > 1) return StandaloneWithSeveralNodes("source", nodes, topology.answered);
    return nodes.front();
  }
  const std::vector<engine::cluster::ClusterNode>& masters = topology.slots->masters();
  if (masters.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the source is a Redis Cluster with ", masters.size(),
        " masters, but it answered as a standalone server when the task started: restart the "
        "task, so it replicates every master"));
  }
  return engine::topology::NodeEndpoint(nodes.front(), masters.front());
}

absl::StatusOr<TargetLayout> ResolveTarget(const std::vector<engine::redis::Endpoint>& nodes) {
  ASSIGN_OR_RETURN(engine::topology::Topology topology, DiscoverPeer(nodes));
  TargetLayout out;
  out.nodes = nodes;
  if (!topology.cluster) {
    if (nodes.size() > 1) return StandaloneWithSeveralNodes("target", nodes, topology.answered);
    out.masters = nodes;
    return out;
  }
  out.cluster = true;
  for (const engine::cluster::ClusterNode& master : topology.slots->masters()) {
    out.masters.push_back(engine::topology::NodeEndpoint(nodes.front(), master));
  }
  return out;
}

}  // namespace rms::worker
