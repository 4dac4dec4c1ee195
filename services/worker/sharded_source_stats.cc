// ShardedSourceJob::StatsJson: the shards' counters as one task's stats, with a "shards" array
// (our extension) giving each shard's position and lag.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "services/worker/sharded_source_job.h"

namespace rms::worker {
namespace {

// Adds one shard's counters to `total` (sums; the lag's age and the target's count: largest).
void AddShard(const JobProgress& shard, JobProgress& total) {
  total.snapshot_bytes += shard.snapshot_bytes.load();
  const int64_t size = shard.snapshot_size.load();
  total.snapshot_size =
      (size < 0 || total.snapshot_size.load() < 0) ? -1 : total.snapshot_size.load() + size;
  total.snapshot_done = total.snapshot_done.load() && shard.snapshot_done.load();
  total.keys_written += shard.keys_written.load();
  total.commands_sent += shard.commands_sent.load();
  total.bytes_sent += shard.bytes_sent.load();
  total.read_offset += shard.read_offset.load();
  total.applied_offset += shard.applied_offset.load();
  const int64_t since = shard.unapplied_since_us.load();
  if (since > 0 && (total.unapplied_since_us.load() == 0 || since < total.unapplied_since_us)) {
    total.unapplied_since_us = since;
  }
  const int64_t source = shard.source_offset.load();
  total.source_offset =
      (source < 0 || total.source_offset.load() < 0) ? -1 : total.source_offset.load() + source;
  total.source_behind_us = std::max(total.source_behind_us.load(), shard.source_behind_us.load());
  total.reconnects += shard.reconnects.load();
  total.full_resyncs += shard.full_resyncs.load();
  const int64_t keys = shard.source_dbsize.load();
  total.source_dbsize =
      (keys < 0 || total.source_dbsize.load() < 0) ? -1 : total.source_dbsize.load() + keys;
  total.target_dbsize = std::max(total.target_dbsize.load(), shard.target_dbsize.load());
}

nlohmann::json ShardJson(const std::string& slots, const std::string& node,
                         const JobProgress& progress) {
  const int64_t applied = progress.applied_offset.load();
  const int64_t lag = std::max<int64_t>(
      {0, progress.read_offset.load() - applied, progress.source_offset.load() - applied});
  return nlohmann::json{
      {"slots", slots},
      {"node", node},
      {"snapshot_done", progress.snapshot_done.load()},
      {"offset", std::to_string(applied)},
      {"read_offset", std::to_string(progress.read_offset.load())},
      {"lag_bytes", std::to_string(lag)},
      {"keys_written", std::to_string(progress.keys_written.load())},
      {"reconnects", std::to_string(progress.reconnects.load())},
      {"full_resyncs", std::to_string(progress.full_resyncs.load())},
  };
}

}  // namespace

std::string ShardedSourceJob::StatsJson() const {
  absl::MutexLock lock(&mu_);
  JobProgress total;
  total.snapshot_size = 0;
  total.snapshot_done = !jobs_.empty();
  total.source_offset = 0;
  total.source_dbsize = 0;
  nlohmann::json shards = nlohmann::json::array();
  for (size_t i = 0; i < jobs_.size(); ++i) {
    jobs_[i]->SampleStats();
    AddShard(jobs_[i]->progress(), total);
    shards.push_back(ShardJson(shards_[i].slots, jobs_[i]->source_address(), jobs_[i]->progress()));
  }
  if (bucket_) total.throttled_ms = absl::ToInt64Milliseconds(bucket_->throttled());
  nlohmann::json stats = nlohmann::json::parse(renderer_.Render(total, /*migrating=*/true));
  stats["shards"] = std::move(shards);
  return stats.dump();
}

}  // namespace rms::worker
