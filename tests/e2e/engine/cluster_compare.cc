// Compares a standalone source with a Redis Cluster target, key by key.
#include "tests/e2e/engine/cluster_compare.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/topology/topology.h"
#include "tests/redis/cluster/cluster_writer_test_support.h"

namespace rms::e2e {
namespace {

using engine::redis::Endpoint;
using engine::redis::RedisClient;

// Every key of db 0 of `client`, by SCAN.
absl::StatusOr<std::vector<std::string>> AllKeys(RedisClient& client) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    auto reply = client.Command({"SCAN", cursor, "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    cursor = reply->elements[0].str;
    for (const auto& key : reply->elements[1].elements) keys.push_back(key.str);
  } while (cursor != "0");
  return keys;
}

std::string Describe(const test_cluster_writer::KeyFacts& facts) {
  return absl::StrCat(facts.type, " digest ", facts.digest, " expires ", facts.expire_at_ms);
}

}  // namespace

std::string CompareWithCluster(const test_support::RedisServer& source,
                               const test_support::RedisCluster& target,
                               const std::string& target_password, int64_t expiry_tolerance_ms) {
  auto source_client =
      RedisClient::Connect(Endpoint{"127.0.0.1", source.port(), "", source.password()});
  if (!source_client.ok()) return absl::StrCat("source: ", source_client.status().ToString());
  std::vector<Endpoint> nodes;
  for (const auto& node : target.nodes()) {
    nodes.push_back(Endpoint{"127.0.0.1", node->port(), "", target_password});
  }
  auto topology = engine::topology::DiscoverTopology(nodes);
  if (!topology.ok() || !topology->slots) return "cannot read the target's slot map";
  const engine::cluster::SlotMap& slots = *topology->slots;
  std::vector<std::unique_ptr<RedisClient>> masters;
  int64_t target_keys = 0;
  for (const engine::cluster::ClusterNode& master : slots.masters()) {
    auto client = RedisClient::Connect(Endpoint{master.host, master.port, "", target_password});
    if (!client.ok()) return absl::StrCat("target master: ", client.status().ToString());
    auto size = (*client)->Command({"DBSIZE"});
    if (!size.ok()) return absl::StrCat("target DBSIZE: ", size.status().ToString());
    target_keys += size->integer;
    masters.push_back(*std::move(client));
  }
  auto keys = AllKeys(**source_client);
  if (!keys.ok()) return absl::StrCat("source SCAN: ", keys.status().ToString());
  if (static_cast<int64_t>(keys->size()) != target_keys) {
    return absl::StrCat("the source holds ", keys->size(), " keys, the target's masters ",
                        target_keys);
  }
  for (const std::string& key : *keys) {
    auto want = test_cluster_writer::KeyState(**source_client, key);
    auto got = test_cluster_writer::KeyState(*masters[slots.MasterOfKey(key)], key);
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

}  // namespace rms::e2e
