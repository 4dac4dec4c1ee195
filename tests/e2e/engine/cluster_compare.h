// Compares db 0 of two Redis deployments key by key, when either or both are Redis Clusters
// (each key read on the master that owns it), for the e2e tests of cluster targets and sources.
#pragma once

#include <cstdint>
#include <string>

#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace rms::e2e {

// "" when the target holds exactly the source's keys (the key counts, summed over a cluster's
// masters, are equal) and each key has on the target the source's type, DEBUG DIGEST-VALUE and
// expiry time (within `expiry_tolerance_ms`), each side read on the master owning the key's
// slot; else the first difference. A key that disappears from the source during the comparison
// (expired, deleted) is skipped.
std::string CompareWithCluster(const test_support::RedisServer& source,
                               const test_support::RedisCluster& target,
                               const std::string& target_password,
                               int64_t expiry_tolerance_ms = 1000);
// The same for a cluster source (with the password of its nodes) and a standalone target.
std::string CompareClusterWithStandalone(const test_support::RedisCluster& source,
                                         const std::string& source_password,
                                         const test_support::RedisServer& target,
                                         int64_t expiry_tolerance_ms = 1000);
// The same for two clusters, whatever their numbers of masters.
std::string CompareClusters(const test_support::RedisCluster& source,
                            const std::string& source_password,
                            const test_support::RedisCluster& target,
                            const std::string& target_password, int64_t expiry_tolerance_ms = 1000);

}  // namespace rms::e2e
