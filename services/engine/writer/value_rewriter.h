// ValueRewriter: recreates a key's value on the target as ordinary commands in bounded chunks
// (RPUSH, SADD, ZADD, HSET [+HPEXPIREAT], SET + APPEND), then its TTL (PEXPIREAT).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/writer/command_pipeline.h"

namespace rms::engine::writer {

// Bounds of one rewrite command (an element bigger than max_command_bytes still goes whole, except
// strings, which are split into SET + APPENDs).
struct RewriteLimits {
  size_t max_command_elements = 512;  // members, or member/score and field/value pairs
  size_t max_command_bytes = 1u << 20;
};

// A score as Redis parses it back to the same double: "inf", "-inf" or %.17g.
std::string FormatScore(double score);

// Queues the commands for one key at a time: Begin, any number of Write, End. The element data
// is referenced only while a call runs. Not thread-safe.
class ValueRewriter {
 public:
  // `target_rdb_version` picks the commands the target knows (HSET with many pairs from 4.0,
  // HPEXPIREAT from 7.4).
  ValueRewriter(CommandPipeline& pipeline, RewriteLimits limits, int target_rdb_version);

  // Starts `header`'s key: queues DEL (not for strings: SET replaces any value).
  absl::Status Begin(const rdb::KeyHeader& header);
  // Queues the commands adding `chunk`'s elements (a stream's entries: XADD, see
  // stream_rewriter.h, whose FinishStream the caller sends before End). Module values have no
  // elements: INVALID_ARGUMENT.
  absl::Status Write(const rdb::ElementChunk& chunk);
  // Finishes the key: an empty string when no element came, then PEXPIREAT when it has a TTL.
  absl::Status End();

  // Hash field TTLs of the current key that the target cannot hold (Redis < 7.4): not written.
  uint64_t dropped_field_ttls() const { return dropped_field_ttls_; }
  const std::string& key() const { return key_; }
  // Whether a stream entry of the current key was written (else the stream is created empty).
  bool stream_entry_written() const { return stream_entry_written_; }

 private:
  absl::Status WriteString(const std::string& value);
  absl::Status WriteZset(const rdb::ElementChunk& chunk);
  absl::Status WriteHash(const rdb::ElementChunk& chunk);
  absl::Status WriteFieldTtls(const rdb::ElementChunk& chunk);

  CommandPipeline& pipeline_;
  RewriteLimits limits_;
  int target_rdb_version_;
  std::string key_;
  rdb::ValueKind kind_ = rdb::ValueKind::kString;
  int64_t expire_at_ms_ = -1;
  bool string_written_ = false;
  bool stream_entry_written_ = false;
  uint64_t dropped_field_ttls_ = 0;
};

}  // namespace rms::engine::writer
