// TargetNode: the one seam between the writer and a target Redis node (a cluster router fans out
// over several), plus its implementation over a RedisClient.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::writer {

// A target node that takes pipelined commands. Owned and called by one thread.
class TargetNode {
 public:
  virtual ~TargetNode();

  // Writes RESP-encoded commands without waiting for their replies. A status error means the
  // connection is unusable (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED): replies may have been
  // lost and the node must not be used again.
  virtual absl::Status Send(absl::string_view encoded) = 0;
  // The next `count` replies, in order, of commands sent before; error replies are returned as
  // values, not as a status. Status errors as for Send, or a protocol error.
  virtual absl::StatusOr<std::vector<resp::RespValue>> Receive(size_t count) = 0;
  // Send() then Receive(count): `encoded` holds exactly `count` commands.
  absl::StatusOr<std::vector<resp::RespValue>> Exchange(absl::string_view encoded, size_t count);
  // "host:port" for messages; never contains credentials.
  virtual std::string Describe() const = 0;
};

// A standalone node reached through an already connected (and authenticated) RedisClient, which
// must outlive this object.
class RedisClientNode final : public TargetNode {
 public:
  explicit RedisClientNode(redis::RedisClient& client) : client_(client) {}

  absl::Status Send(absl::string_view encoded) override;
  absl::StatusOr<std::vector<resp::RespValue>> Receive(size_t count) override;
  std::string Describe() const override { return client_.endpoint().Describe(); }

 private:
  redis::RedisClient& client_;
};

}  // namespace rms::engine::writer
