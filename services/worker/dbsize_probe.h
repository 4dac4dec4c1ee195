// DbSizeProbe: counts the keys of a Redis node, or of a cluster's masters (all databases), for the
// stats API.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"

namespace rms::worker {

// Used by one thread (the lease keeper). Keeps its own connection; failures are not errors
// (the last known count stays), because stats must never stop a migration.
class DbSizeProbe {
 public:
  // `nodes`: one node, or every master of a cluster (their counts are summed).
  explicit DbSizeProbe(std::vector<engine::redis::Endpoint> nodes,
                       absl::Duration interval = absl::Seconds(5));
  // The key count, refreshed with INFO keyspace at most once per interval; -1 until known (the
  // last known count while any node does not answer).
  int64_t Get(bool force = false);

 private:
  std::vector<engine::redis::Endpoint> nodes_;
  absl::Duration interval_;
  std::vector<std::unique_ptr<engine::redis::RedisClient>> clients_;  // one per node
  absl::Time next_ = absl::InfinitePast();
  int64_t last_ = -1;
};

// The "keys=N" of each "db<i>:" line of an INFO keyspace reply, by db.
std::map<int, int64_t> KeysPerDb(absl::string_view info);
// Sums "keys=N" over the db lines of an INFO keyspace reply.
int64_t KeysInKeyspace(absl::string_view info);

}  // namespace rms::worker
