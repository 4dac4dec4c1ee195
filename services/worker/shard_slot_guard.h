// ShardSlotGuard: checks each command of a source shard's replication stream before it is
// forwarded. A key outside the shard's slots means a slot is moving between source masters (the
// importing master replicates RESTORE-ASKING or writes under ASKING): the two streams have no
// common order, so the task fails naming the slot instead of maybe losing the key. A FLUSHALL or
// FLUSHDB of one of several masters cannot be replayed on a target shared with the other shards
// either (a one-master cluster's is forwarded).
#pragma once

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/engine/cluster/command_keys.h"
#include "services/engine/redis/redis_client.h"
#include "services/worker/source_shards.h"

namespace rms::worker {

class ShardSlotGuard {
 public:
  // Learns where each command's keys are from the source master's COMMAND reply.
  static absl::StatusOr<ShardSlotGuard> Load(engine::redis::RedisClient& source, SourceShard shard);
  ShardSlotGuard(engine::cluster::CommandKeyTable keys, SourceShard shard)
      : keys_(std::move(keys)), shard_(std::move(shard)) {}

  // OK when every key of `args` is in the shard's slots; FAILED_PRECONDITION with the failure
  // code SOURCE_SLOT_MOVED (or SOURCE_SHARD_FLUSHED) otherwise. Commands whose keys cannot be
  // found from their arguments pass (the source served them).
  absl::Status Check(absl::Span<const absl::string_view> args) const;

 private:
  engine::cluster::CommandKeyTable keys_;
  SourceShard shard_;
};

}  // namespace rms::worker
