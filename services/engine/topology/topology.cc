// DiscoverTopology: INFO cluster, then CLUSTER SHARDS or CLUSTER SLOTS.
#include "services/engine/topology/topology.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rms::engine::topology {
namespace {

absl::StatusOr<std::vector<cluster::SlotRange>> ReadSlots(redis::RedisClient& client,
                                                          const redis::Endpoint& node) {
  const std::string& host = node.host;
  absl::StatusOr<resp::RespValue> shards = client.Command({"CLUSTER", "SHARDS"});
  // Over TLS the nodes are reached on their TLS ports.
  if (shards.ok()) return cluster::ParseClusterShards(*shards, host, node.tls.enabled);
  // Before Redis 7.0: "unknown subcommand" (an error reply, FAILED_PRECONDITION).
  if (!absl::IsFailedPrecondition(shards.status())) return shards.status();
  absl::StatusOr<resp::RespValue> slots = client.Command({"CLUSTER", "SLOTS"});
  if (!slots.ok()) return slots.status();
  return cluster::ParseClusterSlots(*slots, host);
}

absl::StatusOr<Topology> Ask(const redis::Endpoint& node, const redis::ClientOptions& options) {
  absl::StatusOr<std::unique_ptr<redis::RedisClient>> client =
      redis::RedisClient::Connect(node, options);
  if (!client.ok()) return client.status();
  absl::StatusOr<resp::RespValue> info = (*client)->Command({"INFO", "cluster"});
  if (!info.ok()) return info.status();
  Topology topology;
  topology.answered = node;
  topology.cluster = absl::StrContains(info->str, "cluster_enabled:1");
  if (!topology.cluster) return topology;
  absl::StatusOr<std::vector<cluster::SlotRange>> ranges = ReadSlots(**client, node);
  if (!ranges.ok()) return ranges.status();
  absl::StatusOr<cluster::SlotMap> map = cluster::SlotMap::FromRanges(*ranges);
  if (!map.ok()) return map.status();
  topology.slots = *std::move(map);
  return topology;
}

}  // namespace

absl::StatusOr<Topology> DiscoverTopology(const std::vector<redis::Endpoint>& nodes,
                                          redis::ClientOptions options) {
  if (nodes.empty()) return absl::InvalidArgumentError("no node to ask");
  std::vector<std::string> failures;
  for (const redis::Endpoint& node : nodes) {
    absl::StatusOr<Topology> topology = Ask(node, options);
    // Only an unreachable node sends us to the next one; any other answer is the instance's.
    if (topology.ok() ||
        !absl::IsUnavailable(topology.status()) && !absl::IsDeadlineExceeded(topology.status())) {
      return topology;
    }
    failures.push_back(absl::StrCat(node.Describe(), ": ", topology.status().message()));
  }
  return absl::UnavailableError(
      absl::StrCat("no node of the instance answered (", absl::StrJoin(failures, "; "), ")"));
}

redis::Endpoint NodeEndpoint(const redis::Endpoint& credentials, const cluster::ClusterNode& node) {
  redis::Endpoint out = credentials;
  out.host = node.host;
  out.port = node.port;
  return out;
}

}  // namespace rms::engine::topology
