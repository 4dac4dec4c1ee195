// Test helper: a Redis Cluster on loopback.
#include "tests/support/redis_cluster.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace rms::test_support {

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start(RedisClusterOptions options) {
  std::unique_ptr<RedisCluster> cluster(new RedisCluster());
  const int count = options.masters * (1 + options.replicas_per_master);
  for (int i = 0; i < count; ++i) {
    RedisServerOptions node;
    node.password = options.password;
    node.extra_config = options.extra_config;
    node.cluster = true;
    node.tls_cert_file = options.tls_cert_file;
    node.tls_key_file = options.tls_key_file;
    node.tls_ca_file = options.tls_ca_file;
    if (!options.tls_cert_file.empty()) {
      node.extra_config.insert(node.extra_config.end(), {"tls-cluster yes", "tls-replication yes"});
    }
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start(node);
    if (!server.ok()) return server.status();
    cluster->nodes_.push_back(*std::move(server));
  }
  if (absl::Status created = cluster->Create(options); !created.ok()) return created;
  if (absl::Status ok = cluster->WaitUntilOk(); !ok.ok()) return ok;
  return cluster;
}

std::string RedisCluster::Addrs() const {
  std::vector<std::string> addrs;
  for (const auto& node : nodes_) addrs.push_back(absl::StrCat("127.0.0.1:", node->port()));
  return absl::StrJoin(addrs, ",");
}

absl::Status RedisCluster::Create(const RedisClusterOptions& options) {
  if (nodes_.size() == 1) {
    // redis-cli creates clusters of 3 masters or more: one node takes every slot itself.
    absl::StatusOr<std::string> out =
        nodes_.front()->Cli({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"});
    if (!out.ok()) return out.status();
    if (*out != "OK") return absl::UnavailableError(absl::StrCat("CLUSTER ADDSLOTSRANGE: ", *out));
    return absl::OkStatus();
  }
  std::vector<std::string> args = {"--cluster", "create"};
  for (const auto& node : nodes_) args.push_back(absl::StrCat("127.0.0.1:", node->port()));
  args.insert(args.end(),
              {"--cluster-replicas", absl::StrCat(options.replicas_per_master), "--cluster-yes"});
  absl::StatusOr<std::string> out = nodes_.front()->Cli(args);
  if (!out.ok()) return out.status();
  if (!absl::StrContains(*out, "All 16384 slots covered")) {
    return absl::UnavailableError(absl::StrCat("redis-cli --cluster create: ", *out));
  }
  return absl::OkStatus();
}

absl::Status RedisCluster::WaitUntilOk() const {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  std::string last;
  while (absl::Now() < deadline) {
    bool all_ok = true;
    for (const auto& node : nodes_) {
      absl::StatusOr<std::string> info = node->Cli({"CLUSTER", "INFO"});
      last = info.ok() ? *info : info.status().ToString();
      if (!info.ok() || !absl::StrContains(*info, "cluster_state:ok") ||
          !absl::StrContains(*info, "cluster_slots_ok:16384") ||
          !absl::StrContains(*info, absl::StrCat("cluster_known_nodes:", nodes_.size()))) {
        all_ok = false;
        break;
      }
    }
    if (all_ok) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(100));  // polling a condition with a deadline
  }
  return absl::UnavailableError(absl::StrCat("the cluster did not become ok: ", last));
}

absl::StatusOr<std::string> RedisCluster::Cli(const std::vector<std::string>& args) const {
  std::vector<std::string> with_c = {"-c"};
  with_c.insert(with_c.end(), args.begin(), args.end());
  return nodes_.front()->Cli(with_c);
}

}  // namespace rms::test_support
