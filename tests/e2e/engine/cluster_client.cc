// A routing test client of a Redis Cluster.
#include "tests/e2e/engine/cluster_client.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/engine/topology/topology.h"

namespace rms::e2e {
namespace {

using engine::cluster::ClusterNode;
using engine::redis::Endpoint;
using engine::redis::RedisClient;
using engine::resp::RespValue;

// Error replies after which the same command may succeed later: the cluster is changing.
bool IsTransient(const RespValue& reply) {
  for (const char* prefix : {"TRYAGAIN", "CLUSTERDOWN", "LOADING", "MASTERDOWN", "READONLY",
                             "EXECABORT", "ASK ", "MOVED "}) {
    if (absl::StartsWith(reply.str, prefix)) return true;
  }
  return false;
}

}  // namespace

Endpoint EndpointAt(const std::string& host, int port, const std::string& password) {
  Endpoint endpoint;
  endpoint.host = host;
  endpoint.port = port;
  endpoint.password = password;
  return endpoint;
}

absl::StatusOr<std::unique_ptr<ClusterClient>> ClusterClient::Connect(
    const test_support::RedisCluster& cluster, const std::string& password,
    absl::Duration retry_for) {
  std::vector<Endpoint> nodes;
  for (const auto& node : cluster.nodes()) {
    nodes.push_back(EndpointAt("127.0.0.1", node->port(), password));
  }
  std::unique_ptr<ClusterClient> client(new ClusterClient(std::move(nodes), retry_for));
  if (absl::Status status = client->Refresh(); !status.ok()) return status;
  return client;
}

absl::Status ClusterClient::Refresh() {
  clients_.clear();
  auto topology = engine::topology::DiscoverTopology(nodes_);
  if (!topology.ok()) return topology.status();
  if (!topology->slots) return absl::FailedPreconditionError("not a cluster");
  slots_ = *std::move(topology->slots);
  return absl::OkStatus();
}

absl::StatusOr<RedisClient*> ClusterClient::ClientFor(const ClusterNode& node) {
  auto found = clients_.find(node.Address());
  if (found != clients_.end()) return found->second.get();
  engine::redis::ClientOptions options;
  options.io_timeout = absl::Seconds(10);
  auto client =
      RedisClient::Connect(EndpointAt(node.host, node.port, nodes_.front().password), options);
  if (!client.ok()) return client.status();
  RedisClient* raw = client->get();
  clients_[node.Address()] = *std::move(client);
  return raw;
}

absl::StatusOr<std::vector<RespValue>> ClusterClient::SendTo(const ClusterNode& node, bool asking,
                                                             const std::string& encoded,
                                                             size_t count) {
  absl::StatusOr<RedisClient*> client = ClientFor(node);
  if (!client.ok()) return client.status();
  if (!asking) return (*client)->Pipeline(encoded, count);
  auto replies = (*client)->Pipeline(absl::StrCat(engine::resp::EncodeCommand({"ASKING"}), encoded),
                                     count + 1);
  if (replies.ok()) replies->erase(replies->begin());
  return replies;
}

std::optional<std::string> ClusterClient::RetryReason(const ClusterNode& node,
                                                      const std::vector<RespValue>& replies,
                                                      std::optional<ClusterNode>* asking) {
  for (const RespValue& reply : replies) {
    if (!reply.IsError() || !IsTransient(reply)) continue;
    auto redirect = engine::cluster::ParseRedirect(reply.str);
    if (redirect && redirect->kind == engine::cluster::Redirect::Kind::kMoved) {
      slots_->Move(redirect->slot, redirect->node);
    } else if (redirect && replies.size() == 1) {
      *asking = redirect->node;  // a transaction waits until the migration ended instead
    }
    return absl::StrCat(node.Address(), ": ", reply.str);
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<RespValue>> ClusterClient::Exchange(const std::string& key,
                                                               const std::string& encoded,
                                                               size_t count) {
  const absl::Time deadline = absl::Now() + retry_for_;
  absl::Duration backoff = absl::Milliseconds(5);
  std::optional<ClusterNode> asking;  // after ASK: that node, preceded by ASKING
  while (true) {
    const ClusterNode node = asking ? *asking : slots_->masters()[slots_->MasterOfKey(key)];
    auto replies = SendTo(node, asking.has_value(), encoded, count);
    asking.reset();
    std::string last;
    if (!replies.ok()) {
      last = replies.status().ToString();
      clients_.erase(node.Address());
    } else if (std::optional<std::string> reason = RetryReason(node, *replies, &asking)) {
      last = *reason;
    } else {
      return replies;
    }
    if (absl::Now() > deadline) {
      return absl::UnavailableError(absl::StrCat("gave up after ", absl::FormatDuration(retry_for_),
                                                 " on key ", key, ": ", last));
    }
    ++retries_;
    if (asking || absl::StrContains(last, "MOVED ")) continue;  // the new owner is known
    absl::SleepFor(backoff);  // back-off before a retry, not synchronisation
    backoff = std::min(backoff * 2, absl::Milliseconds(200));
    if (!absl::StrContains(last, "TRYAGAIN") && !absl::StrContains(last, "EXECABORT")) {
      (void)Refresh();  // a node may be gone or demoted: ask the cluster again
    }
  }
}

absl::StatusOr<RespValue> ClusterClient::Command(const std::string& key,
                                                 const std::vector<std::string>& args) {
  auto replies = Exchange(key, engine::resp::EncodeCommand(args), 1);
  if (!replies.ok()) return replies.status();
  RespValue& reply = replies->front();
  if (reply.IsError()) {
    return absl::FailedPreconditionError(absl::StrCat(args[0], " ", key, ": ", reply.str));
  }
  return std::move(reply);
}

absl::StatusOr<RespValue> ClusterClient::Transaction(
    const std::string& key, const std::vector<std::vector<std::string>>& commands) {
  std::string encoded = engine::resp::EncodeCommand({"MULTI"});
  for (const auto& args : commands) engine::resp::AppendCommandStrings(encoded, args);
  engine::resp::AppendCommand(encoded, {"EXEC"});
  auto replies = Exchange(key, encoded, commands.size() + 2);
  if (!replies.ok()) return replies.status();
  RespValue& exec = replies->back();
  if (exec.IsError() || exec.type != RespValue::Type::kArray) {
    return absl::FailedPreconditionError(absl::StrCat("EXEC on ", key, ": ", exec.Describe()));
  }
  for (const RespValue& reply : exec.elements) {
    if (reply.IsError()) {
      return absl::FailedPreconditionError(absl::StrCat("in EXEC on ", key, ": ", reply.str));
    }
  }
  return std::move(exec);
}

absl::Status ClusterClient::Load(const std::vector<RoutedCommand>& commands) {
  constexpr size_t kBatch = 1000;
  std::map<int, std::vector<const RoutedCommand*>> by_master;
  for (const RoutedCommand& command : commands) {
    by_master[slots_->MasterOfKey(command.key)].push_back(&command);
  }
  for (const auto& [master, routed] : by_master) {
    absl::StatusOr<RedisClient*> client = ClientFor(slots_->masters()[master]);
    if (!client.ok()) return client.status();
    for (size_t begin = 0; begin < routed.size(); begin += kBatch) {
      const size_t end = std::min(routed.size(), begin + kBatch);
      std::string encoded;
      for (size_t i = begin; i < end; ++i) {
        engine::resp::AppendCommandStrings(encoded, routed[i]->args);
      }
      auto replies = (*client)->Pipeline(encoded, end - begin);
      if (!replies.ok()) return replies.status();
      for (size_t i = 0; i < replies->size(); ++i) {
        if ((*replies)[i].IsError()) {
          return absl::FailedPreconditionError(absl::StrCat(
              routed[begin + i]->args[0], " ", routed[begin + i]->key, ": ", (*replies)[i].str));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace rms::e2e
