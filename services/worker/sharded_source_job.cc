// ShardedSourceJob: one OnlineMigrationJob per source master, run side by side.
#include "services/worker/sharded_source_job.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/log.h"
#include "services/worker/dbsize_probe.h"
#include "services/worker/endpoints.h"
#include "services/worker/failure_code.h"
#include "services/worker/peer_layout.h"
#include "services/worker/shard_role.h"

namespace rms::worker {
namespace {

bool IsIncremental(const task_config::TaskConfig& config) {
  return config.migration_method == "incremental_migration";
}

absl::Status Failed(absl::string_view phase, absl::Status status) {
  return WithFailureCode(status, FailureCode(phase, status));
}

}  // namespace

ShardedSourceJob::ShardedSourceJob(const storage::TaskRecord& task, task_config::TaskConfig config,
                                   storage::WorkerStore& store, const crypto::SecretBox& secrets,
                                   EngineLimits limits, std::vector<SourceShard> shards)
    : task_(task),
      config_(std::move(config)),
      store_(store),
      secrets_(secrets),
      limits_(limits),
      shards_(std::move(shards)),
      resync_policy_(config_.full_resync_policy, task, store),
      shard_status_(shards_.size(), task.status),
      status_(task.status) {
  live_bandwidth_ = config_.bandwidth_limit_mb;
}

void ShardedSourceJob::OnTaskRow(const storage::TaskRecord& row) {
  absl::StatusOr<task_config::TaskConfig> config = task_config::TaskConfigFromJson(row.config_json);
  absl::MutexLock lock(&mu_);
  for (const auto& job : jobs_) job->OnTaskRow(row);  // the resume mode
  if (!config.ok() || config->bandwidth_limit_mb == live_bandwidth_) return;
  live_bandwidth_ = config->bandwidth_limit_mb;
  if (bucket_) bucket_->SetRate(BandwidthBytesPerSecond(live_bandwidth_));
}

absl::Status ShardedSourceJob::CheckCheckpointsMatchShards() {
  if (!IsIncremental(config_)) return absl::OkStatus();
  absl::StatusOr<std::vector<storage::Checkpoint>> stored = store_.ReadCheckpoints(task_.id);
  if (!stored.ok()) return absl::OkStatus();  // each shard reads its own again (first sync if none)
  std::vector<std::string> unknown;
  for (const storage::Checkpoint& checkpoint : *stored) {
    const bool known = std::any_of(shards_.begin(), shards_.end(), [&](const SourceShard& shard) {
      return shard.slots == checkpoint.shard;
    });
    if (!known) unknown.push_back(checkpoint.shard);
  }
  if (unknown.empty()) return absl::OkStatus();
  std::vector<std::string> now;
  for (const SourceShard& shard : shards_) now.push_back(shard.slots);
  return WithFailureCode(
      absl::FailedPreconditionError(absl::StrCat(
          "the source cluster's slots moved between masters since the task's positions were "
          "stored (stored for ",
          absl::StrJoin(unknown, " | "), "; now ", absl::StrJoin(now, " | "),
          "): the moved keys' streams cannot be ordered; start a new migration")),
      "SOURCE_SLOT_MOVED");
}

std::vector<Handover> ShardedSourceJob::ReadHandovers(
    const std::vector<engine::redis::Endpoint>& target_masters) {
  std::vector<Handover> handovers;
  for (const engine::redis::Endpoint& master : target_masters) {
    absl::StatusOr<std::unique_ptr<engine::redis::RedisClient>> client =
        engine::redis::RedisClient::Connect(master);
    absl::StatusOr<std::vector<Handover>> found =
        client.ok() ? FenceTarget(**client, task_.id, task_.lease_epoch)
                    : absl::StatusOr<std::vector<Handover>>(client.status());
    if (!found.ok()) {  // each shard fences again; only an exact handover may be missed
      LogWarning(absl::StrCat("task ", task_.id, ": could not read older owners' positions on ",
                              master.Describe(), ": ", found.status().message()));
      continue;
    }
    handovers.insert(handovers.end(), found->begin(), found->end());
  }
  return handovers;
}

absl::Status ShardedSourceJob::Prepare(const JobReporter& reporter) {
  if (absl::Status s = CheckCheckpointsMatchShards(); !s.ok()) return s;
  absl::StatusOr<std::vector<engine::redis::Endpoint>> target_nodes =
      ToEngineEndpoints(*config_.target, secrets_, "target");
  if (!target_nodes.ok()) return Failed("target", target_nodes.status());
  absl::StatusOr<TargetLayout> target = ResolveTarget(*target_nodes);
  if (!target.ok()) return Failed("target", target.status());
  target_masters_ = target->masters;
  if (!resync_policy_.first_sync_recorded()) {
    const bool empty = DbSizeProbe(target_masters_).Get(/*force=*/true) == 0;
    if (absl::Status s = resync_policy_.RecordFirstSync(empty); !s.ok()) {
      if (absl::IsAborted(s)) return s;
      LogWarning(absl::StrCat(
          "task ", task_.id,
          ": could not store whether the target held keys at the first sync: ", s.message()));
    }
  }
  std::vector<std::string> names;
  for (const SourceShard& shard : shards_) {
    names.push_back(absl::StrCat(shard.slots, " at ", shard.master.Describe()));
  }
  reporter.log("info", "SOURCE_SHARDS",
               absl::StrCat("the source is a Redis Cluster of ", shards_.size(),
                            " masters, replicated side by side: ", absl::StrJoin(names, "; ")));
  return absl::OkStatus();
}

JobReporter ShardedSourceJob::ShardReporter(size_t index, const JobReporter& reporter) {
  const std::string prefix = absl::StrCat("shard ", shards_[index].slots, ": ");
  JobReporter out;
  out.log = [&reporter, prefix](absl::string_view level, absl::string_view code,
                                absl::string_view message) {
    reporter.log(level, code, absl::StrCat(prefix, message));
  };
  out.transition = [this, index, &reporter, prefix](task_model::TaskStatus status,
                                                    absl::string_view code,
                                                    absl::string_view message) {
    return ShardTransition(index, status, code, absl::StrCat(prefix, message), reporter);
  };
  return out;
}

absl::Status ShardedSourceJob::ShardTransition(size_t index, task_model::TaskStatus status,
                                               absl::string_view code, absl::string_view message,
                                               const JobReporter& reporter) {
  absl::MutexLock lock(&status_mu_);
  shard_status_[index] = status;
  const auto count = [&](task_model::TaskStatus s) {
    return std::count(shard_status_.begin(), shard_status_.end(), s);
  };
  task_model::TaskStatus wanted;
  std::string why(message);
  if (count(task_model::TaskStatus::kFullMigrating) > 0) {
    wanted = task_model::TaskStatus::kFullMigrating;
  } else if (count(task_model::TaskStatus::kIncrMigrating) ==
             static_cast<std::ptrdiff_t>(shard_status_.size())) {
    wanted = task_model::TaskStatus::kIncrMigrating;
    why = absl::StrCat("every shard's snapshot is applied; forwarding the replication streams of ",
                       shard_status_.size(), " masters");
  } else {
    return absl::OkStatus();  // some shards still connect
  }
  if (wanted == status_) return absl::OkStatus();
  absl::Status moved = reporter.transition(wanted, code, why);
  if (moved.ok()) status_ = wanted;
  return moved;
}

absl::Status ShardedSourceJob::RunShards(TaskContext& context, const JobReporter& reporter,
                                         std::vector<Handover> handovers) {
  std::vector<std::unique_ptr<TaskContext>> contexts;
  std::vector<JobReporter> reporters;
  std::vector<OnlineMigrationJob*> jobs;
  {
    absl::MutexLock lock(&mu_);
    bucket_ = std::make_unique<TokenBucket>(context, BandwidthBytesPerSecond(live_bandwidth_));
    for (size_t i = 0; i < shards_.size(); ++i) {
      ShardRole role{shards_[i], &resync_policy_, bucket_.get(), handovers, i == 0};
      jobs_.push_back(std::make_unique<OnlineMigrationJob>(task_, config_, store_, secrets_,
                                                           limits_, std::move(role)));
      jobs.push_back(jobs_.back().get());
      contexts.push_back(std::make_unique<TaskContext>());
      reporters.push_back(ShardReporter(i, reporter));
    }
  }
  // The task's cancel (stop, lost lease, shutdown) reaches every shard with its reason.
  const int link = context.OnCancel([&context, &contexts] {
    for (auto& shard : contexts) shard->Cancel(context.reason());
  });
  absl::Mutex failure_mu;
  absl::Status first_failure;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < jobs.size(); ++i) {
    threads.emplace_back([&, i] {
      absl::Status status = jobs[i]->Run(*contexts[i], reporters[i]);
      if (status.ok() || contexts[i]->cancelled()) return;
      {
        absl::MutexLock lock(&failure_mu);
        if (first_failure.ok()) {
          first_failure = WithFailureCode(
              absl::Status(status.code(),
                           absl::StrCat("shard ", shards_[i].slots, ": ", status.message())),
              FailureCodeOf(status));
        }
      }
      // One shard failed: the others stop (storing their exact positions) and the task fails.
      for (auto& other : contexts) {
        other->Cancel(absl::CancelledError(
            absl::StrCat("shard ", shards_[i].slots, " failed: ", status.message())));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  context.Unregister(link);
  if (context.cancelled()) return context.reason();
  absl::MutexLock lock(&failure_mu);
  return first_failure;
}

absl::Status ShardedSourceJob::Run(TaskContext& context, const JobReporter& reporter) {
  if (absl::Status s = Prepare(reporter); !s.ok()) return s;
  return RunShards(context, reporter, ReadHandovers(target_masters_));
}

}  // namespace rms::worker
