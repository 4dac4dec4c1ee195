// ClusterSide: the masters of a Redis Cluster that a verification reads (the target of a task
// migrating into a cluster): every read goes to the master owning its key.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/resp/resp.h"

namespace rms::verify {

// Used by the verification's thread; Cancel() from any.
class ClusterSide {
 public:
  using Args = std::vector<std::string>;

  // Discovers the cluster behind `nodes` and connects to every master (with the first node's
  // credentials). FAILED_PRECONDITION when the nodes name a standalone server; the errors of
  // DiscoverTopology and RedisClient::Connect.
  static absl::StatusOr<std::unique_ptr<ClusterSide>> Connect(
      const std::vector<engine::redis::Endpoint>& nodes);

  // Runs `commands` as one pipeline would and returns one reply per command, in order. A command
  // goes to the master owning its key (the argument after the name); DEBUG DIGEST-VALUE and
  // EXISTS with several keys are split per master and their replies merged (digests in key
  // order, counts summed); INFO keyspace is summed over the masters; SELECT goes to every
  // master; any other command without a key to the first master. Errors: the clients'.
  absl::StatusOr<std::vector<engine::resp::RespValue>> Pipeline(const std::vector<Args>& commands);
  // SCAN over every master in turn. The cursor is "0" to start and when done, else
  // "<master>:<cursor of that master>".
  absl::StatusOr<std::string> Scan(const std::string& cursor, int count,
                                   std::vector<std::string>* keys);
  // Cuts every connection (a blocked read returns CANCELLED).
  void Cancel();
  std::string Describe() const;

 private:
  ClusterSide() = default;

  engine::cluster::SlotMap slots_;
  std::vector<std::unique_ptr<engine::redis::RedisClient>> masters_;  // SlotMap master indexes
};

}  // namespace rms::verify
