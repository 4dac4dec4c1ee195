// RedisSide: one node a verification reads (source or target): pipelines paced by the source's
// rate limit, the selected database, and a count of the commands sent.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/resp/resp.h"
#include "services/verify/cluster_side.h"
#include "services/verify/rate_limiter.h"

namespace rms::verify {

using Args = std::vector<std::string>;
using engine::resp::RespValue;

// The replies of one pipeline and when it was sent and fully answered.
struct Replies {
  std::vector<RespValue> values;  // error replies included, in order
  absl::Time sent;
  absl::Time received;
};

// Used by one thread; commands() may be read from any.
class RedisSide {
 public:
  // `limiter` (null = unlimited) paces every command sent; it must outlive this object.
  RedisSide(engine::redis::RedisClient& client, CommandRateLimiter* limiter)
      : client_(&client), limiter_(limiter) {}
  // A Redis Cluster side: every read goes to the master owning its key (ClusterSide).
  RedisSide(ClusterSide& cluster, CommandRateLimiter* limiter)
      : cluster_(&cluster), limiter_(limiter) {}

  // Waits for the limiter, sends `commands` as one pipeline and reads every reply. Errors: the
  // client's (UNAVAILABLE, DEADLINE_EXCEEDED...), CANCELLED from the limiter.
  absl::StatusOr<Replies> Pipeline(const std::vector<Args>& commands);
  // One command; an error reply is FAILED_PRECONDITION with the server's message.
  absl::StatusOr<RespValue> Command(const Args& args);
  // SELECT `db` unless it is selected already.
  absl::Status Select(int db);
  // SCAN `cursor` COUNT `count`: appends the keys and returns the next cursor ("0" = done).
  absl::StatusOr<std::string> Scan(const std::string& cursor, int count,
                                   std::vector<std::string>* keys);

  // The node's client (a standalone side only).
  engine::redis::RedisClient& client() { return *client_; }
  uint64_t commands() const { return commands_.load(); }

 private:
  std::string Describe() const;

  engine::redis::RedisClient* client_ = nullptr;  // one of these two
  ClusterSide* cluster_ = nullptr;
  CommandRateLimiter* limiter_;
  int db_ = -1;
  std::atomic<uint64_t> commands_{0};
};

}  // namespace rms::verify
