// Compares two Redis deployments (standalone or cluster) key by key.
#include "tests/e2e/engine/cluster_compare.h"

#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/topology/topology.h"
#include "tests/e2e/engine/cluster_client.h"
#include "tests/redis/cluster/cluster_writer_test_support.h"

namespace rms::e2e {
namespace {

using engine::redis::Endpoint;
using engine::redis::RedisClient;

// One side of a comparison: its masters (one for a standalone server) and, for a cluster, the
// slot map that says which of them owns a key.
class Side {
 public:
  static absl::StatusOr<Side> Standalone(const test_support::RedisServer& server) {
    auto client = RedisClient::Connect(EndpointAt("127.0.0.1", server.port(), server.password()));
    if (!client.ok()) return client.status();
    Side side;
    side.masters_.push_back(*std::move(client));
    return side;
  }

  static absl::StatusOr<Side> Cluster(const test_support::RedisCluster& cluster,
                                      const std::string& password) {
    std::vector<Endpoint> nodes;
    for (const auto& node : cluster.nodes()) {
      nodes.push_back(EndpointAt("127.0.0.1", node->port(), password));
    }
    auto topology = engine::topology::DiscoverTopology(nodes);
    if (!topology.ok()) return topology.status();
    if (!topology->slots) return absl::FailedPreconditionError("not a cluster");
    Side side;
    side.slots_ = *std::move(topology->slots);
    for (const engine::cluster::ClusterNode& master : side.slots_->masters()) {
      auto client = RedisClient::Connect(EndpointAt(master.host, master.port, password));
      if (!client.ok()) return client.status();
      side.masters_.push_back(*std::move(client));
    }
    return side;
  }

  // DBSIZE summed over the masters.
  absl::StatusOr<int64_t> KeyCount() {
    int64_t total = 0;
    for (auto& master : masters_) {
      auto size = master->Command({"DBSIZE"});
      if (!size.ok()) return size.status();
      total += size->integer;
    }
    return total;
  }

  // Every key of db 0 of every master, by SCAN.
  absl::StatusOr<std::vector<std::string>> AllKeys() {
    std::vector<std::string> keys;
    for (auto& master : masters_) {
      std::string cursor = "0";
      do {
        auto reply = master->Command({"SCAN", cursor, "COUNT", "1000"});
        if (!reply.ok()) return reply.status();
        cursor = reply->elements[0].str;
        for (const auto& key : reply->elements[1].elements) keys.push_back(key.str);
      } while (cursor != "0");
    }
    return keys;
  }

  RedisClient& OwnerOf(const std::string& key) {
    return *masters_[slots_ ? slots_->MasterOfKey(key) : 0];
  }

 private:
  std::vector<std::unique_ptr<RedisClient>> masters_;
  std::optional<engine::cluster::SlotMap> slots_;
};

std::string Describe(const test_cluster_writer::KeyFacts& facts) {
  return absl::StrCat(facts.type, " digest ", facts.digest, " expires ", facts.expire_at_ms);
}

std::string CompareSides(absl::StatusOr<Side> source, absl::StatusOr<Side> target,
                         int64_t expiry_tolerance_ms) {
  if (!source.ok()) return absl::StrCat("source: ", source.status().ToString());
  if (!target.ok()) return absl::StrCat("target: ", target.status().ToString());
  auto keys = source->AllKeys();
  if (!keys.ok()) return absl::StrCat("source SCAN: ", keys.status().ToString());
  auto target_keys = target->KeyCount();
  if (!target_keys.ok()) return absl::StrCat("target DBSIZE: ", target_keys.status().ToString());
  if (static_cast<int64_t>(keys->size()) != *target_keys) {
    return absl::StrCat("the source holds ", keys->size(), " keys, the target ", *target_keys);
  }
  for (const std::string& key : *keys) {
    auto want = test_cluster_writer::KeyState(source->OwnerOf(key), key);
    auto got = test_cluster_writer::KeyState(target->OwnerOf(key), key);
    if (!want.ok() || !got.ok()) {
      return absl::StrCat("key ", key, ": ",
                          want.ok() ? got.status().ToString() : want.status().ToString());
    }
    if (want->type == "none") continue;  // expired or deleted since the SCAN
    const bool expiry_close =
        (want->expire_at_ms < 0 && got->expire_at_ms == want->expire_at_ms) ||
        (want->expire_at_ms >= 0 && got->expire_at_ms >= 0 &&
         std::llabs(want->expire_at_ms - got->expire_at_ms) <= expiry_tolerance_ms);
    if (want->type != got->type || want->digest != got->digest || !expiry_close) {
      return absl::StrCat("key ", key, ": source ", Describe(*want), ", target ", Describe(*got));
    }
  }
  return "";
}

}  // namespace

std::string CompareWithCluster(const test_support::RedisServer& source,
                               const test_support::RedisCluster& target,
                               const std::string& target_password, int64_t expiry_tolerance_ms) {
  return CompareSides(Side::Standalone(source), Side::Cluster(target, target_password),
                      expiry_tolerance_ms);
}

std::string CompareClusterWithStandalone(const test_support::RedisCluster& source,
                                         const std::string& source_password,
                                         const test_support::RedisServer& target,
                                         int64_t expiry_tolerance_ms) {
  return CompareSides(Side::Cluster(source, source_password), Side::Standalone(target),
                      expiry_tolerance_ms);
}

std::string CompareClusters(const test_support::RedisCluster& source,
                            const std::string& source_password,
                            const test_support::RedisCluster& target,
                            const std::string& target_password, int64_t expiry_tolerance_ms) {
  return CompareSides(Side::Cluster(source, source_password),
                      Side::Cluster(target, target_password), expiry_tolerance_ms);
}

}  // namespace rms::e2e
