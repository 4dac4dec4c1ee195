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

  // Every node, masters first as created (redis-cli assigns the first `masters` as masters).
  const std::vector<std::unique_ptr<RedisServer>>& nodes() const { return nodes_; }
  // "127.0.0.1:<port>" of every node, comma-separated (an `addrs` value).
  std::string Addrs() const;
  // Runs redis-cli in cluster mode (-c: follows redirections) against the first node.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;

 private:
  absl::Status Create(const RedisClusterOptions& options);
  absl::Status WaitUntilOk() const;

  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace rms::test_support
