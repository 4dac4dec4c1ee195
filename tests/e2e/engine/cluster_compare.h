// Compares db 0 of a standalone source with a Redis Cluster target, key by key on the master
// that owns each key, for the e2e tests of cluster targets.
#pragma once

#include <cstdint>
#include <string>

#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace rms::e2e {

// "" when the cluster holds exactly the source's keys (the key counts summed over the masters
// equal the source's DBSIZE) and each key has, on the master owning its slot, the source's type,
// DEBUG DIGEST-VALUE and expiry time (within `expiry_tolerance_ms`); else the first difference.
std::string CompareWithCluster(const test_support::RedisServer& source,
                               const test_support::RedisCluster& target,
                               const std::string& target_password,
                               int64_t expiry_tolerance_ms = 1000);

}  // namespace rms::e2e
