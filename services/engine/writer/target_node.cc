// RedisClientNode: pipelined exchanges over one RedisClient.
#include "services/engine/writer/target_node.h"

namespace rms::engine::writer {

TargetNode::~TargetNode() = default;

absl::StatusOr<std::vector<resp::RespValue>> RedisClientNode::Exchange(absl::string_view encoded,
                                                                       size_t count) {
  // Send everything, then read: the caller bounds a batch (commands and bytes), and Redis keeps
  // reading requests while its replies wait in the output buffer, so neither side blocks forever.
  return client_.Pipeline(encoded, count);
}

}  // namespace rms::engine::writer
