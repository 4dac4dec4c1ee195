// Test helper: a Redis Cluster of real redis-servers on loopback, created with
// `redis-cli --cluster create` and waited for until every node reports cluster_state:ok.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/redis_server.h"

namespace rms::test_support {

struct RedisClusterOptions {
  int masters = 3;  // 1 (every slot on one node, no replicas) or 3 and more
  int replicas_per_master = 0;
  std::string password;                   // requirepass and masterauth of every node
  std::vector<std::string> extra_config;  // for every node
  // With a certificate every node also listens with TLS (RedisServerOptions), and the cluster
  // bus, replication and the addresses it announces (CLUSTER SHARDS tls-port, MOVED over TLS)
  // use TLS (tls-cluster yes).
  std::string tls_cert_file, tls_key_file, tls_ca_file;
};

class RedisCluster {
 public:
  // UNAVAILABLE with redis-cli's output when the cluster cannot be created or does not become ok
  // within 30 s.
  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start(RedisClusterOptions options);

  // Every node, masters first as created (redis-cli assigns the first `masters` as masters; a
  // failover changes the roles, see MasterOf).
  const std::vector<std::unique_ptr<RedisServer>>& nodes() const { return nodes_; }
  // "127.0.0.1:<port>" of every node, comma-separated (an `addrs` value).
  std::string Addrs() const;
  // Runs redis-cli in cluster mode (-c: follows redirections) against the first node.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;

  // The index in nodes() of the master that nodes()[node] replicates now (ROLE), or `node`
  // itself when it is a master. (Which replica follows which master is redis-cli's choice.)
  absl::StatusOr<int> MasterOf(int node) const;
  // The indexes of the nodes that replicate nodes()[master] now.
  absl::StatusOr<std::vector<int>> ReplicasOf(int master) const;
  // Polls (deadline 30 s) until every node reports cluster_state:ok with every slot covered.
  absl::Status WaitUntilOk() const;
  // Makes nodes()[replica] the master of its shard with CLUSTER FAILOVER (given again when Redis
  // abandons it after its 5 s limit), then waits until every node reports cluster_state:ok.
  absl::Status Failover(int replica) const;
  // Moves `slot` with its keys from master nodes()[from] to master nodes()[to] as
  // `redis-cli --cluster reshard` does: CLUSTER SETSLOT IMPORTING on `to`, MIGRATING on `from`,
  // MIGRATE of its keys (100 at a time), then SETSLOT NODE on `to`, `from` and every other
  // master. UNAVAILABLE with the refusal when a step fails.
  absl::Status MoveSlot(int slot, int from, int to) const;

 private:
  absl::Status Create(const RedisClusterOptions& options);

  std::vector<std::unique_ptr<RedisServer>> nodes_;
  std::string password_;
};

}  // namespace rms::test_support
