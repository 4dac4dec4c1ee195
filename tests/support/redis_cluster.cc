// Test helper: a Redis Cluster on loopback.
#include "tests/support/redis_cluster.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace rms::test_support {

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start(RedisClusterOptions options) {
  std::unique_ptr<RedisCluster> cluster(new RedisCluster());
  cluster->password_ = options.password;
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

absl::StatusOr<int> RedisCluster::MasterOf(int node) const {
  // ROLE, one element a line: "master" <offset> <replica host, port, offset>..., or "slave"
  // <master host> <master port> <link state> <offset>.
  absl::StatusOr<std::string> role = nodes_.at(node)->Cli({"ROLE"});
  if (!role.ok()) return role.status();
  std::vector<std::string> lines = absl::StrSplit(*role, '\n');
  if (lines[0] == "master") return node;
  if (lines[0] != "slave" || lines.size() < 3) {
    return absl::UnavailableError(absl::StrCat("ROLE: ", *role));
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (absl::StrCat(nodes_[i]->port()) == lines[2]) return static_cast<int>(i);
  }
  return absl::NotFoundError(absl::StrCat("node ", node, " replicates an unknown node: ", *role));
}

absl::StatusOr<std::vector<int>> RedisCluster::ReplicasOf(int master) const {
  std::vector<int> replicas;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    absl::StatusOr<int> of = MasterOf(i);
    if (!of.ok()) return of.status();
    if (*of == master && i != master) replicas.push_back(i);
  }
  return replicas;
}

absl::Status RedisCluster::Failover(int replica) const {
  // A manual failover that does not finish within 5 s (the replica must reach the master's
  // offset and win the other masters' votes) is abandoned by Redis without a word; a slow machine
  // can miss that window, so the command is given again, up to 5 times.
  std::string last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    // The previous attempt may have ended just after its wait: a master refuses the command.
    if (absl::StatusOr<int> of = MasterOf(replica); of.ok() && *of == replica) {
      return WaitUntilOk();
    }
    absl::StatusOr<std::string> out = nodes_.at(replica)->Cli({"CLUSTER", "FAILOVER"});
    if (!out.ok()) return out.status();
    if (*out != "OK") return absl::UnavailableError(absl::StrCat("CLUSTER FAILOVER: ", *out));
    const absl::Time deadline = absl::Now() + absl::Seconds(8);
    while (absl::Now() < deadline) {
      absl::StatusOr<int> of = MasterOf(replica);
      last = of.ok() ? absl::StrCat("replicates node ", *of) : of.status().ToString();
      if (of.ok() && *of == replica) return WaitUntilOk();
      absl::SleepFor(absl::Milliseconds(50));  // polling a condition with a deadline
    }
  }
  return absl::UnavailableError(
      absl::StrCat("node ", replica, " did not become a master after 5 failovers: ", last));
}

absl::Status RedisCluster::MoveSlot(int slot, int from, int to) const {
  auto run = [&](int node, const std::vector<std::string>& args) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> out = nodes_.at(node)->Cli(args);
    if (!out.ok()) return out.status();
    if (absl::StartsWith(*out, "ERR") || absl::StartsWith(*out, "IOERR") ||
        absl::StartsWith(*out, "NOAUTH") || absl::StartsWith(*out, "WRONGPASS")) {
      return absl::UnavailableError(absl::StrCat(absl::StrJoin(args, " "), ": ", *out));
    }
    return out;
  };
  auto id = [&](int node) { return run(node, {"CLUSTER", "MYID"}); };
  absl::StatusOr<std::string> from_id = id(from), to_id = id(to);
  if (!from_id.ok()) return from_id.status();
  if (!to_id.ok()) return to_id.status();
  const std::string s = absl::StrCat(slot);
  if (auto r = run(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", *from_id}); !r.ok())
    return r.status();
  if (auto r = run(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", *to_id}); !r.ok())
    return r.status();
  while (true) {
    absl::StatusOr<std::string> keys = run(from, {"CLUSTER", "GETKEYSINSLOT", s, "100"});
    if (!keys.ok()) return keys.status();
    if (keys->empty()) break;
    std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1", absl::StrCat(nodes_[to]->port()),
                                        "",        "0",         "10000"};
    if (!password_.empty()) migrate.insert(migrate.end(), {"AUTH", password_});
    migrate.push_back("KEYS");
    for (absl::string_view key : absl::StrSplit(*keys, '\n')) migrate.emplace_back(key);
    absl::StatusOr<std::string> moved = run(from, migrate);
    if (!moved.ok()) return moved.status();
    if (*moved != "OK") return absl::UnavailableError(absl::StrCat("MIGRATE: ", *moved));
  }
  std::vector<int> order = {to, from};
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    absl::StatusOr<int> of = MasterOf(i);
    if (of.ok() && *of == i && i != to && i != from) order.push_back(i);
  }
  for (int node : order) {
    if (auto r = run(node, {"CLUSTER", "SETSLOT", s, "NODE", *to_id}); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RedisCluster::Cli(const std::vector<std::string>& args) const {
  std::vector<std::string> with_c = {"-c"};
  with_c.insert(with_c.end(), args.begin(), args.end());
  return nodes_.front()->Cli(with_c);
}

}  // namespace rms::test_support
