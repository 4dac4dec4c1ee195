// Helpers for the ClusterTargetWriter tests.
#include "tests/redis/cluster/cluster_writer_test_support.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/topology/topology.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_cluster_writer {

using engine::redis::Endpoint;
using engine::redis::RedisClient;

absl::StatusOr<std::unique_ptr<test_support::RedisCluster>> StartCluster() {
  test_support::RedisClusterOptions options;
  options.masters = 3;
  options.replicas_per_master = 0;
  options.password = kClusterPassword;
  return test_support::RedisCluster::Start(options);
}

std::vector<Endpoint> EndpointsOf(const test_support::RedisCluster& cluster) {
  std::vector<Endpoint> out;
  for (const auto& node : cluster.nodes()) {
    out.push_back(Endpoint{"127.0.0.1", node->port(), "", kClusterPassword});
  }
  return out;
}

absl::StatusOr<std::unique_ptr<engine::cluster_writer::ClusterTargetWriter>> ConnectWriter(
    const test_support::RedisCluster& cluster,
    engine::cluster_writer::ClusterWriterOptions options) {
  return engine::cluster_writer::ClusterTargetWriter::Connect(EndpointsOf(cluster), options);
}

absl::StatusOr<std::unique_ptr<RedisClient>> ConnectTo(const engine::cluster::ClusterNode& node) {
  return RedisClient::Connect(Endpoint{node.host, node.port, "", kClusterPassword});
}

absl::StatusOr<engine::cluster::SlotMap> CurrentSlots(const test_support::RedisCluster& cluster) {
  ASSIGN_OR_RETURN(engine::topology::Topology topology,
                   engine::topology::DiscoverTopology(EndpointsOf(cluster)));
  if (!topology.slots.has_value()) return absl::FailedPreconditionError("not a cluster");
  return *std::move(topology.slots);
}

absl::StatusOr<KeyFacts> KeyState(RedisClient& client, const std::string& key) {
  ASSIGN_OR_RETURN(engine::resp::RespValue type, client.Command({"TYPE", key}));
  ASSIGN_OR_RETURN(engine::resp::RespValue digest, client.Command({"DEBUG", "DIGEST-VALUE", key}));
  ASSIGN_OR_RETURN(engine::resp::RespValue expire, client.Command({"PEXPIRETIME", key}));
  KeyFacts out;
  out.type = type.str;
  out.digest = digest.elements.empty() ? "" : digest.elements[0].str;
  out.expire_at_ms = expire.integer;
  return out;
}

void ExpectSameKey(RedisClient& want, RedisClient& got, const std::string& key,
                   int64_t expiry_tolerance_ms) {
  absl::StatusOr<KeyFacts> expected = KeyState(want, key);
  ASSERT_TRUE(expected.ok()) << key << ": " << expected.status();
  absl::StatusOr<KeyFacts> actual = KeyState(got, key);
  ASSERT_TRUE(actual.ok()) << key << ": " << actual.status();
  EXPECT_EQ(actual->type, expected->type) << key;
  EXPECT_EQ(actual->digest, expected->digest) << key;
  EXPECT_EQ(actual->expire_at_ms < 0, expected->expire_at_ms < 0) << key;
  EXPECT_LE(std::abs(actual->expire_at_ms - expected->expire_at_ms), expiry_tolerance_ms) << key;
}

absl::StatusOr<int64_t> TotalKeys(const engine::cluster::SlotMap& slots) {
  int64_t total = 0;
  for (const engine::cluster::ClusterNode& master : slots.masters()) {
    ASSIGN_OR_RETURN(std::unique_ptr<RedisClient> client, ConnectTo(master));
    ASSIGN_OR_RETURN(engine::resp::RespValue size, client->Command({"DBSIZE"}));
    total += size.integer;
  }
  return total;
}

absl::StatusOr<std::string> SaveRdb(RedisClient& source) {
  RETURN_IF_ERROR(source.Command({"SAVE"}).status());
  ASSIGN_OR_RETURN(engine::resp::RespValue dir, source.Command({"CONFIG", "GET", "dir"}));
  ASSIGN_OR_RETURN(engine::resp::RespValue file, source.Command({"CONFIG", "GET", "dbfilename"}));
  if (dir.elements.size() != 2 || file.elements.size() != 2) {
    return absl::InternalError("CONFIG GET gave no value");
  }
  return absl::StrCat(dir.elements[1].str, "/", file.elements[1].str);
}

absl::Status ApplyRdbFile(const std::string& path,
                          engine::cluster_writer::ClusterTargetWriter& writer) {
  return test_writer::ReadRdbEvents(path, {}, [&](const engine::rdb::RdbEvent& event, int version) {
    writer.set_source_rdb_version(version);
    return writer.Apply(event);
  });
}

test_support::RedisCluster* SharedClusterTest::cluster_ = nullptr;

void SharedClusterTest::SetUpTestSuite() {
  auto cluster = StartCluster();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  cluster_ = cluster->release();
}

void SharedClusterTest::TearDownTestSuite() {
  delete cluster_;
  cluster_ = nullptr;
}

}  // namespace rms::test_cluster_writer
