// RedisClientNode: pipelined exchanges over one RedisClient.
#include "services/engine/writer/target_node.h"

namespace rms::engine::writer {

TargetNode::~TargetNode() = default;

absl::StatusOr<std::vector<resp::RespValue>> TargetNode::Exchange(absl::string_view encoded,
                                                                  size_t count) {
  if (absl::Status sent = Send(encoded); !sent.ok()) return sent;
  return Receive(count);
}

// Redis keeps reading requests while replies wait in its output buffer, so a writer may send
// several batches before it reads their replies without either side blocking for good.
absl::Status RedisClientNode::Send(absl::string_view encoded) { return client_.Send(encoded); }

absl::StatusOr<std::vector<resp::RespValue>> RedisClientNode::Receive(size_t count) {
  std::vector<resp::RespValue> replies;
  replies.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    absl::StatusOr<resp::RespValue> reply = client_.ReadReply();
    if (!reply.ok()) return reply.status();
    replies.push_back(*std::move(reply));
  }
  return replies;
}

}  // namespace rms::engine::writer
