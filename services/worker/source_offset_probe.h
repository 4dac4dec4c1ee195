// SourceOffsetProbe: samples the source's replication offset (INFO replication) so the stats API
// can tell how far the target is behind the source, in bytes and in seconds.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"

namespace rms::worker {

// The offsets sampled so far, oldest first, and what they say about an applied offset.
class OffsetSamples {
 public:
  // Records that at `at` the source had written up to `offset`. A smaller offset than the last
  // one (the source restarted or changed history) starts over.
  void Add(absl::Time at, int64_t offset);
  // The newest offset; nullopt before the first sample.
  std::optional<int64_t> latest() const;
  // How long ago the source had already written past `applied`: now minus the time of the oldest
  // sample whose offset is beyond it; zero when no sample is (a lower bound of the lag).
  absl::Duration Behind(int64_t applied, absl::Time now) const;
  // Forgets samples older than `oldest` but keeps the newest at or before it.
  void Trim(absl::Time oldest);

 private:
  struct Sample {
    absl::Time at;
    int64_t offset;
  };
  std::deque<Sample> samples_;
};

// The source's `client-output-buffer-limit` for replica links: the source drops a replica whose
// pending output passes `hard_bytes`, or stays above `soft_bytes` for `soft_seconds` (0 = none).
struct ReplicaBufferLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
  // The backlog at which to warn: half the hard limit, or the soft limit when lower; 0 = none.
  int64_t WarnAt() const;
};

// The replica class of a `CONFIG GET client-output-buffer-limit` value ("normal 0 0 0 slave
// 268435456 67108864 60 pubsub ..."); nullopt when absent or malformed.
std::optional<ReplicaBufferLimit> ParseReplicaBufferLimit(absl::string_view value);

// Used by one thread (the lease keeper). Keeps its own connection; failures are not errors (the
// samples taken stay), because stats must never stop a migration.
class SourceOffsetProbe {
 public:
  explicit SourceOffsetProbe(engine::redis::Endpoint endpoint,
                             absl::Duration interval = absl::Milliseconds(900));
  // Samples master_repl_offset at most once per interval (every call when `force`).
  void Sample(bool force = false);
  const OffsetSamples& samples() const { return samples_; }
  // The source's replica output-buffer limit, read once per connection; nullopt when the source
  // does not tell (CONFIG may be renamed or forbidden).
  const std::optional<ReplicaBufferLimit>& buffer_limit() const { return buffer_limit_; }

 private:
  void ReadBufferLimit();

  engine::redis::Endpoint endpoint_;
  absl::Duration interval_;
  std::unique_ptr<engine::redis::RedisClient> client_;
  absl::Time next_ = absl::InfinitePast();
  OffsetSamples samples_;
  std::optional<ReplicaBufferLimit> buffer_limit_;
};

// The master_repl_offset field of an INFO replication reply; nullopt when absent.
std::optional<int64_t> MasterReplOffset(absl::string_view info);

}  // namespace rms::worker
