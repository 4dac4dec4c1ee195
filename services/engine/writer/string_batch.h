// StringBatch: small strings of a snapshot that have no TTL, gathered into one MSET. The target
// runs one command for a batch instead of one RESTORE per key: no payload checksum, no RDB
// decoding, no per-command dispatch (about half the target's CPU per key for 100-byte values).
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/engine/writer/command_pipeline.h"

namespace rms::engine::writer {

struct StringBatchOptions {
  size_t max_keys = 1000;              // 0: no batching (one RESTORE per key)
  size_t max_bytes = 256u << 10;       // keys + values of one MSET
  size_t max_value_bytes = 64u << 10;  // larger values are restored one by one
};

// Not thread-safe; one per TargetWriter. Keys are unique within a snapshot, so a batch may be
// sent after keys that came later; it is flushed before anything whose order matters (SELECT,
// functions, scripts, the end of the snapshot, replicated commands).
class StringBatch {
 public:
  explicit StringBatch(StringBatchOptions options) : options_(options) {}

  // Whether a string value of `value_bytes` goes into the batch.
  bool Accepts(size_t value_bytes) const {
    return options_.max_keys > 0 && value_bytes <= options_.max_value_bytes;
  }
  // Adds one key (copied, already RESP-encoded); when that fills the batch, queues it on
  // `pipeline` (errors of Add).
  absl::Status Add(absl::string_view key, absl::string_view value, CommandPipeline& pipeline);
  // Queues "MSET k1 v1 k2 v2 ..." on `pipeline` when the batch holds keys, and empties it.
  absl::Status FlushTo(CommandPipeline& pipeline);

  uint64_t keys_batched() const { return keys_batched_; }

 private:
  StringBatchOptions options_;
  std::string
      body_;  // room for the header, then "$<len>\r\n<key>\r\n$<len>\r\n<value>\r\n" per key
  std::string first_key_;  // names the batch in an error reply
  size_t keys_ = 0;
  size_t bytes_ = 0;
  uint64_t keys_batched_ = 0;
};

}  // namespace rms::engine::writer
