// OnlineTaskJob: a standalone source gets one replication link, a cluster source one per master.
#include "services/worker/online_task_job.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/worker/endpoints.h"
#include "services/worker/failure_code.h"
#include "services/worker/job_progress.h"
#include "services/worker/online_migration_job.h"
#include "services/worker/peer_layout.h"
#include "services/worker/reconnect_policy.h"
#include "services/worker/sharded_source_job.h"

namespace rms::worker {
namespace {

// A shard checkpoint's key is slot ranges ("0-5460,10923"); a single link's is the addrs.
bool IsShardKey(absl::string_view key) {
  return !key.empty() && key.find(':') == absl::string_view::npos &&
         std::all_of(key.begin(), key.end(),
                     [](char c) { return absl::ascii_isdigit(c) || c == '-' || c == ','; });
}

}  // namespace

OnlineTaskJob::OnlineTaskJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                             storage::WorkerStore& store, const crypto::SecretBox& secrets,
                             EngineLimits limits)
    : task_(task), config_(std::move(config)), store_(store), secrets_(secrets), limits_(limits) {}

bool OnlineTaskJob::StreamsFromCluster() const {
  if (config_.migration_method != "incremental_migration" || config_.resume_mode == "manual") {
    return false;
  }
  absl::StatusOr<std::vector<storage::Checkpoint>> stored = store_.ReadCheckpoints(task_.id);
  if (!stored.ok()) return false;
  return std::any_of(stored->begin(), stored->end(),
                     [](const storage::Checkpoint& c) { return IsShardKey(c.shard); });
}

absl::StatusOr<std::unique_ptr<MigrationJob>> OnlineTaskJob::ChooseJob(
    TaskContext& context, const JobReporter& reporter) {
  auto single = [this]() -> std::unique_ptr<MigrationJob> {
    return std::make_unique<OnlineMigrationJob>(task_, config_, store_, secrets_, limits_);
  };
  if (!config_.source) return single();  // it reports the missing source
  absl::StatusOr<std::vector<engine::redis::Endpoint>> nodes =
      ToEngineEndpoints(*config_.source, secrets_, "source");
  if (!nodes.ok()) return single();  // the same error, reported by the job
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<engine::topology::Topology> topology = DiscoverPeer(*nodes);
    if (topology.ok() && !topology->cluster) return single();
    if (topology.ok()) {
      return std::make_unique<ShardedSourceJob>(task_, config_, store_, secrets_, limits_,
                                                ShardsOf(*topology->slots, nodes->front()));
    }
    const bool transient =
        absl::IsUnavailable(topology.status()) || absl::IsDeadlineExceeded(topology.status());
    if (!transient || !StreamsFromCluster()) return single();
    const absl::Duration delay = ReconnectDelay(attempt);
    reporter.log(
        "warning", "RECONNECTING",
        absl::StrCat("no node of the source cluster answers (", topology.status().message(),
                     "); asking again in ", absl::FormatDuration(delay)));
    if (!context.SleepUnlessCancelled(delay)) return context.reason();
  }
}

absl::Status OnlineTaskJob::Run(TaskContext& context, const JobReporter& reporter) {
  absl::StatusOr<std::unique_ptr<MigrationJob>> job = ChooseJob(context, reporter);
  if (!job.ok()) return job.status();
  MigrationJob* chosen = job->get();
  {
    absl::MutexLock lock(&mu_);
    job_ = *std::move(job);
    if (last_row_) job_->OnTaskRow(*last_row_);
  }
  return chosen->Run(context, reporter);
}

std::string OnlineTaskJob::StatsJson() const {
  absl::MutexLock lock(&mu_);
  if (job_) return job_->StatsJson();
  JobProgress nothing_yet;
  StatsRenderer renderer;
  return renderer.Render(nothing_yet, /*migrating=*/true);
}

void OnlineTaskJob::OnTaskRow(const storage::TaskRecord& row) {
  absl::MutexLock lock(&mu_);
  last_row_ = std::make_unique<storage::TaskRecord>(row);
  if (job_) job_->OnTaskRow(row);
}

}  // namespace rms::worker
