// A test client of a Redis Cluster that sends each command to the master owning its key's slot,
// follows MOVED and ASK, and finds the masters again after a lost connection or a failover.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/resp/resp.h"
#include "tests/support/redis_cluster.h"

namespace rms::e2e {

// One command and the key that routes it (every key of the command shares its slot).
struct RoutedCommand {
  std::string key;
  std::vector<std::string> args;
};

// An endpoint of a node with the default user and `password`, without TLS.
engine::redis::Endpoint EndpointAt(const std::string& host, int port, const std::string& password);

// Owned by one thread. Transient failures (a lost connection, CLUSTERDOWN, TRYAGAIN, a
// transaction refused during a slot migration) are retried with back-off for `retry_for`; an
// error reply of the command itself (WRONGTYPE...) is returned at once as FAILED_PRECONDITION.
// A retried command may have run before its connection was lost (at least once).
class ClusterClient {
 public:
  static absl::StatusOr<std::unique_ptr<ClusterClient>> Connect(
      const test_support::RedisCluster& cluster, const std::string& password,
      absl::Duration retry_for = absl::Seconds(20));

  // Runs `args` on the master of SlotOf(key) and returns its reply.
  absl::StatusOr<engine::resp::RespValue> Command(const std::string& key,
                                                  const std::vector<std::string>& args);
  // MULTI, `commands`, EXEC on the master of SlotOf(key); returns EXEC's reply.
  absl::StatusOr<engine::resp::RespValue> Transaction(
      const std::string& key, const std::vector<std::vector<std::string>>& commands);
  // Pipelines `commands` to their masters (for loading data; no redirection may happen).
  absl::Status Load(const std::vector<RoutedCommand>& commands);
  // The slot map as last discovered (and updated by MOVED).
  const engine::cluster::SlotMap& slots() const { return *slots_; }
  // How many times a command or transaction was sent again.
  int64_t retries() const { return retries_; }

 private:
  ClusterClient(std::vector<engine::redis::Endpoint> nodes, absl::Duration retry_for)
      : nodes_(std::move(nodes)), retry_for_(retry_for) {}
  // Discovers the masters again (any node that answers) and drops every connection.
  absl::Status Refresh();
  absl::StatusOr<engine::redis::RedisClient*> ClientFor(const engine::cluster::ClusterNode& node);
  // Sends `encoded` (`count` commands) to `node`, after ASKING when `asking`; returns the
  // replies to `encoded`.
  absl::StatusOr<std::vector<engine::resp::RespValue>> SendTo(
      const engine::cluster::ClusterNode& node, bool asking, const std::string& encoded,
      size_t count);
  // Why `replies` (from `node`) must be sent again, or nullopt: a MOVED updates the slot map, an
  // ASK for a single command sets `*asking`.
  std::optional<std::string> RetryReason(const engine::cluster::ClusterNode& node,
                                         const std::vector<engine::resp::RespValue>& replies,
                                         std::optional<engine::cluster::ClusterNode>* asking);
  // Sends `encoded` (`count` commands) to the master of `key`'s slot (after an ASK of a single
  // command: ASKING and the command to the node it named) until no reply asks for a retry.
  absl::StatusOr<std::vector<engine::resp::RespValue>> Exchange(const std::string& key,
                                                                const std::string& encoded,
                                                                size_t count);

  std::vector<engine::redis::Endpoint> nodes_;
  absl::Duration retry_for_;
  std::optional<engine::cluster::SlotMap> slots_;
  std::map<std::string, std::unique_ptr<engine::redis::RedisClient>> clients_;  // by address
  int64_t retries_ = 0;
};

}  // namespace rms::e2e
