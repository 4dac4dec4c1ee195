// Memory accounting of decoded elements.
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb {

size_t HeldBytes(const ElementChunk& chunk) {
  constexpr size_t kPerString = sizeof(std::string);
  size_t bytes = 0;
  for (const std::string& s : chunk.members) bytes += s.size() + kPerString;
  for (const std::string& s : chunk.values) bytes += s.size() + kPerString;
  bytes += chunk.scores.size() * sizeof(double);
  bytes += chunk.field_expire_at_ms.size() * sizeof(int64_t);
  for (const StreamEntry& entry : chunk.stream_entries) {
    bytes += sizeof(entry);
    for (const auto& [field, value] : entry.fields) {
      bytes += field.size() + value.size() + 2 * kPerString;
    }
  }
  return bytes;
}

}  // namespace rms::engine::rdb
