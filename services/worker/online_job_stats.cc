// OnlineJobStats: the stats of an online migration, sampled when the lease keeper asks.
#include "services/worker/online_job_stats.h"

#include "absl/strings/str_cat.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kBufferWarningInterval = absl::Minutes(5);

}  // namespace

OnlineJobStats::OnlineJobStats(const storage::TaskRecord& task, storage::WorkerStore& store,
                               JobProgress& progress)
    : task_id_(task.id), epoch_(task.lease_epoch), store_(store), progress_(progress) {}

void OnlineJobStats::StartProbes(const engine::redis::Endpoint& source,
                                 const std::vector<engine::redis::Endpoint>& target_masters,
                                 bool incremental) {
  absl::MutexLock lock(&mu_);
  source_probe_ = std::make_unique<DbSizeProbe>(std::vector<engine::redis::Endpoint>{source});
  target_probe_ = target_masters.empty() ? nullptr : std::make_unique<DbSizeProbe>(target_masters);
  if (incremental) offset_probe_ = std::make_unique<SourceOffsetProbe>(source);
}

std::string OnlineJobStats::Render(std::optional<absl::Duration> throttled) const {
  absl::MutexLock lock(&mu_);
  SampleLocked(throttled);
  return renderer_.Render(progress_, /*migrating=*/true);
}

void OnlineJobStats::Sample(std::optional<absl::Duration> throttled) const {
  absl::MutexLock lock(&mu_);
  SampleLocked(throttled);
}

void OnlineJobStats::SampleLocked(std::optional<absl::Duration> throttled) const {
  const bool final_sample = finished_.exchange(false);
  if (source_probe_) progress_.source_dbsize = source_probe_->Get(final_sample);
  if (target_probe_) progress_.target_dbsize = target_probe_->Get(final_sample);
  if (offset_probe_ && progress_.snapshot_done.load()) {
    // How far the target is behind what the source has written, not just behind what was read.
    offset_probe_->Sample(final_sample);
    const OffsetSamples& samples = offset_probe_->samples();
    progress_.source_offset = samples.latest().value_or(-1);
    progress_.source_behind_us =
        absl::ToInt64Microseconds(samples.Behind(progress_.applied_offset.load(), absl::Now()));
    WarnNearBufferLimit();
  }
  if (throttled) progress_.throttled_ms = absl::ToInt64Milliseconds(*throttled);
}

void OnlineJobStats::WarnNearBufferLimit() const {
  const std::optional<ReplicaBufferLimit>& limit = offset_probe_->buffer_limit();
  const int64_t source = progress_.source_offset.load();
  if (!limit || limit->WarnAt() <= 0 || source < 0) return;
  // What the source still holds for this link: written there, not read here yet.
  const int64_t held = source - progress_.read_offset.load();
  const absl::Time now = absl::Now();
  if (held < limit->WarnAt() || now < next_buffer_warning_) return;
  next_buffer_warning_ = now + kBufferWarningInterval;
  constexpr int64_t kMiB = 1 << 20;
  storage::TaskEvent event;
  event.level = "warning";
  event.code = "SOURCE_BUFFER_NEAR_LIMIT";
  event.message = absl::StrCat(
      "the source holds ", held / kMiB,
      " MiB of the replication stream for this migration; "
      "it drops the link at its replica client-output-buffer-limit (hard ",
      limit->hard_bytes / kMiB, " MiB, soft ", limit->soft_bytes / kMiB, " MiB for ",
      limit->soft_seconds,
      " s), and unless repl-backlog-size covers the gap the resume is a full resync: lower the "
      "write load, raise those limits, or raise bandwidth_limit_mb if it is set");
  (void)store_.AddEvent(task_id_, epoch_, event);
}

}  // namespace rms::worker
