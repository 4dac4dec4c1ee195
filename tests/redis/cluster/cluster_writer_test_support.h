// Helpers for the ClusterTargetWriter tests: a 3-master cluster with a password, the writer
// connected to it, and what a key looks like on the master that owns it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/redis/redis_client.h"
#include "tests/support/redis_cluster.h"

namespace rms::test_cluster_writer {

inline constexpr char kClusterPassword[] = "cluster-writer-secret";

// 3 masters, no replicas, kClusterPassword.
absl::StatusOr<std::unique_ptr<test_support::RedisCluster>> StartCluster();

// Every node of `cluster` with kClusterPassword.
std::vector<engine::redis::Endpoint> EndpointsOf(const test_support::RedisCluster& cluster);

absl::StatusOr<std::unique_ptr<engine::cluster_writer::ClusterTargetWriter>> ConnectWriter(
    const test_support::RedisCluster& cluster,
    engine::cluster_writer::ClusterWriterOptions options = {});

// An authenticated connection to `node`.
absl::StatusOr<std::unique_ptr<engine::redis::RedisClient>> ConnectTo(
    const engine::cluster::ClusterNode& node);

// The slot map the cluster reports now.
absl::StatusOr<engine::cluster::SlotMap> CurrentSlots(const test_support::RedisCluster& cluster);

// TYPE, DEBUG DIGEST-VALUE and PEXPIRETIME of `key`.
struct KeyFacts {
  std::string type;
  std::string digest;
  int64_t expire_at_ms = -1;
};
absl::StatusOr<KeyFacts> KeyState(engine::redis::RedisClient& client, const std::string& key);

// `key` has the same type and value digest on both sides, and expiry times at most
// `expiry_tolerance_ms` apart (a test failure otherwise).
void ExpectSameKey(engine::redis::RedisClient& want, engine::redis::RedisClient& got,
                   const std::string& key, int64_t expiry_tolerance_ms = 0);

// DBSIZE summed over the masters of `slots`.
absl::StatusOr<int64_t> TotalKeys(const engine::cluster::SlotMap& slots);

// SAVE on `source`, then the path of the RDB file it wrote.
absl::StatusOr<std::string> SaveRdb(engine::redis::RedisClient& source);

// Reads the RDB at `path` and applies every event to `writer` (up to kEnd, which flushes).
absl::Status ApplyRdbFile(const std::string& path,
                          engine::cluster_writer::ClusterTargetWriter& writer);

// A test suite whose tests share one cluster from StartCluster(), started once for the suite.
class SharedClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override { ASSERT_NE(cluster_, nullptr); }

  static test_support::RedisCluster* cluster_;
};

}  // namespace rms::test_cluster_writer
