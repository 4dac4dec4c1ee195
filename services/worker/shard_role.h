// ShardRole: what an OnlineMigrationJob replicating one master ("shard") of a cluster source is
// given by the ShardedSourceJob that runs it beside the other shards.
#pragma once

#include <vector>

#include "services/worker/full_resync_policy.h"
#include "services/worker/source_shards.h"
#include "services/worker/target_fence.h"
#include "services/worker/token_bucket.h"

namespace rms::worker {

struct ShardRole {
  SourceShard shard;
  // Shared by the shards and owned by the parent, which records the first sync before any shard
  // writes and owns the task's bandwidth limit.
  FullResyncPolicy* resync_policy = nullptr;
  TokenBucket* bucket = nullptr;
  // The positions older owners left on the target, read by the parent before any shard fenced
  // (a shard's own fence closes the other shards' older connections); each shard takes the one
  // of its replication history.
  std::vector<Handover> handovers;
  bool probe_target = false;  // this shard's stats also count the target's keys
};

}  // namespace rms::worker
