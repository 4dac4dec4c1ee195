// OnlineMigrationJob: PSYNC snapshot to the target, then (incremental) the replication stream,
// reconnecting from the applied offset when resume_mode is auto.
#include "services/worker/online_migration_job.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/worker/endpoints.h"
#include "services/worker/failure_code.h"
#include "services/worker/peer_layout.h"
#include "services/worker/target_fence.h"

namespace rms::worker {
namespace {

bool IsIncremental(const task_config::TaskConfig& config) {
  return config.migration_method == "incremental_migration";
}

}  // namespace

OnlineMigrationJob::OnlineMigrationJob(const storage::TaskRecord& task,
                                       task_config::TaskConfig config, storage::WorkerStore& store,
                                       const crypto::SecretBox& secrets, EngineLimits limits,
                                       std::optional<ShardRole> shard)
    : task_(task),
      config_(std::move(config)),
      store_(store),
      secrets_(secrets),
      limits_(limits),
      shard_(std::move(shard)),
      db_mapping_(config_.db_mapping),
      status_(task.status),
      own_resync_policy_(config_.full_resync_policy, task, store),
      resync_policy_(shard_ && shard_->resync_policy != nullptr ? *shard_->resync_policy
                                                                : own_resync_policy_),
      manual_(config_.resume_mode == "manual"),
      stats_(task, store, progress_) {
  live_bandwidth_ = config_.bandwidth_limit_mb;
}

absl::Status OnlineMigrationJob::Fail(absl::string_view phase, absl::Status status) {
  // A failure that already says what it is (SOURCE_SLOT_MOVED...) keeps its code.
  if (status.GetPayload(kFailureCodePayload).has_value()) return status;
  const std::string code = FailureCode(phase, status);
  return WithFailureCode(std::move(status), code);
}

void OnlineMigrationJob::OnTaskRow(const storage::TaskRecord& row) {
  absl::StatusOr<task_config::TaskConfig> config = task_config::TaskConfigFromJson(row.config_json);
  if (!config.ok()) return;
  manual_ = config->resume_mode == "manual";
  absl::MutexLock lock(&live_mu_);
  if (config->bandwidth_limit_mb == live_bandwidth_) return;
  live_bandwidth_ = config->bandwidth_limit_mb;
  if (bucket_) bucket_->SetRate(BandwidthBytesPerSecond(live_bandwidth_));
  LogInfo(absl::StrCat("task ", task_.id, ": bandwidth limit now '", live_bandwidth_, "' MB/s"));
}

const std::string& OnlineMigrationJob::checkpoint_key() const {
  return shard_ ? shard_->shard.slots : config_.source->addrs;
}

engine::replication::ByteThrottle* OnlineMigrationJob::throttle() {
  if (shard_ && shard_->bucket != nullptr) return shard_->bucket;
  absl::MutexLock lock(&live_mu_);
  return bucket_.get();
}

std::string OnlineMigrationJob::source_address() const {
  absl::MutexLock lock(&live_mu_);
  return source_address_;
}

std::string OnlineMigrationJob::StatsJson() const {
  std::optional<absl::Duration> throttled;
  {
    absl::MutexLock live(&live_mu_);
    if (bucket_) throttled = bucket_->throttled();
  }
  return stats_.Render(throttled);
}

bool OnlineMigrationJob::Retryable(const absl::Status& status) const {
  return ShouldReconnect(
      status, ReconnectState{manual_.load(), resume_.synced_once, IsIncremental(config_)});
}

absl::Status OnlineMigrationJob::MoveTo(const JobReporter& reporter, task_model::TaskStatus status,
                                        absl::string_view code, absl::string_view message) {
  if (status_ == status) return absl::OkStatus();
  absl::Status moved = reporter.transition(status, code, message);
  if (moved.ok()) status_ = status;
  return moved;
}

void OnlineMigrationJob::ResetWriter() {
  writer_.reset();
  node_writer_ = nullptr;
  cluster_writer_ = nullptr;
}

absl::Status OnlineMigrationJob::ResolvePeersOnce() {
  if (peers_resolved_) return absl::OkStatus();
  // A shard's master was discovered by the parent just before this job started.
  absl::StatusOr<engine::redis::Endpoint> source =
      shard_ ? shard_->shard.master : ResolveSourceNode(source_nodes_);
  if (!source.ok()) return Fail("source", source.status());
  absl::StatusOr<std::vector<engine::redis::Endpoint>> target_nodes =
      ToEngineEndpoints(*config_.target, secrets_, "target");
  if (!target_nodes.ok()) return Fail("target", target_nodes.status());
  absl::StatusOr<TargetLayout> target = ResolveTarget(*target_nodes);
  if (!target.ok()) return Fail("target", target.status());
  target_ = *std::move(target);
  peers_resolved_ = true;
  UseSource(*std::move(source));
  if (target_.cluster) {
    LogInfo(absl::StrCat("task ", task_.id, ": the target is a Redis Cluster with ",
                         target_.masters.size(), " masters"));
  }
  return absl::OkStatus();
}

void OnlineMigrationJob::UseSource(engine::redis::Endpoint source) {
  source_ = std::move(source);
  source_fenced_ = false;
  {
    absl::MutexLock lock(&live_mu_);
    source_address_ = source_.Describe();
  }
  const bool probe_target = !shard_ || shard_->probe_target;
  stats_.StartProbes(source_,
                     probe_target ? target_.masters : std::vector<engine::redis::Endpoint>{},
                     IsIncremental(config_));
}

absl::Status OnlineMigrationJob::EnsureClusterWriter(const JobReporter& reporter) {
  engine::cluster_writer::ClusterWriterOptions options;
  options.max_transaction_bytes = limits_.max_transaction_bytes;
  // Before the first write on each master: name the connection, cut off older owners there, and
  // note the position an older owner left (the writer calls this on its own thread only).
  master_handovers_.clear();
  options.on_connect = [this](engine::redis::RedisClient& client) -> absl::Status {
    absl::StatusOr<std::vector<Handover>> fenced = FenceTarget(client, task_.id, task_.lease_epoch);
    if (!fenced.ok()) return fenced.status();
    master_handovers_.insert(master_handovers_.end(), fenced->begin(), fenced->end());
    return absl::OkStatus();
  };
  auto writer = engine::cluster_writer::ClusterTargetWriter::Connect(target_.nodes, options);
  if (!writer.ok()) return Fail("target", writer.status());
  // Every master an older owner handed over on holds the same exact position (per replication
  // history); masters connected later (after a MOVED) come after the resume point is chosen.
  for (const Handover& handover : master_handovers_) TakeHandover(handover, reporter);
  if (shard_) {
    for (const Handover& handover : shard_->handovers) TakeHandover(handover, reporter);
  }
  master_handovers_.clear();
  cluster_writer_ = writer->get();
  writer_ = *std::move(writer);
  return absl::OkStatus();
}

absl::Status OnlineMigrationJob::EnsureWriter(const JobReporter& reporter) {
  if (writer_) return absl::OkStatus();
  if (target_.cluster) return EnsureClusterWriter(reporter);
  auto writer = engine::writer::TargetWriter::Connect(target_.nodes.front(), {});
  if (!writer.ok()) return Fail("target", writer.status());
  // Before the first write: name the connection and cut off older owners of the task.
  absl::StatusOr<engine::redis::RedisClient*> connection = (*writer)->LendConnection();
  if (!connection.ok()) return Fail("target", connection.status());
  absl::StatusOr<std::vector<Handover>> fenced =
      FenceTarget(**connection, task_.id, task_.lease_epoch);
  if (!fenced.ok()) return Fail("target", fenced.status());
  for (const Handover& handover : *fenced) TakeHandover(handover, reporter);
  if (shard_) {
    for (const Handover& handover : shard_->handovers) TakeHandover(handover, reporter);
  }
  node_writer_ = writer->get();
  writer_ = *std::move(writer);
  return absl::OkStatus();
}

void OnlineMigrationJob::TakeHandover(const Handover& handover, const JobReporter& reporter) {
  if (!resume_.synced_once || handover.replid != resume_.replid ||
      handover.offset <= resume_.applied) {
    return;
  }
  reporter.log("info", "LEASE_HANDOVER",
               absl::StrCat("the previous owner (epoch ", handover.epoch,
                            ") lost its lease after the target acknowledged offset ",
                            handover.offset, "; its last stored checkpoint was ", resume_.applied,
                            ": resuming after ", handover.offset));
  storage::Checkpoint position = resume_.ToCheckpoint(checkpoint_key(), task_.lease_epoch);
  position.offset = handover.offset;
  position.db = handover.db;
  position.skip_offsets.erase(
      std::remove_if(position.skip_offsets.begin(), position.skip_offsets.end(),
                     [&](int64_t offset) { return offset <= handover.offset; }),
      position.skip_offsets.end());
  resume_.Reached(position);
  // Stored at once, so a crash of this owner does not fall back to the older checkpoint.
  (void)store_.WriteCheckpoint(task_.id, task_.lease_epoch, position);
}

absl::Status OnlineMigrationJob::FenceSourceOnce() {
  if (source_fenced_) return absl::OkStatus();
  source_fenced_ = true;
  absl::StatusOr<std::unique_ptr<engine::redis::RedisClient>> client =
      engine::redis::RedisClient::Connect(source_);
  absl::Status fenced =
      client.ok() ? FenceSource(**client, task_.id, task_.lease_epoch) : client.status();
  if (absl::IsAborted(fenced)) return Fail("source", fenced);
  if (!fenced.ok()) {  // best effort: a managed source may refuse CLIENT LIST or KILL
    LogWarning(absl::StrCat("task ", task_.id, ": could not look for older owners' replication ",
                            "links on the source: ", fenced.message()));
  }
  return absl::OkStatus();
}

absl::Status OnlineMigrationJob::Run(TaskContext& context, const JobReporter& reporter) {
  if (!config_.source || !config_.target) {
    return Fail("source", absl::InvalidArgumentError("the task has no source or target"));
  }
  auto source = ToEngineEndpoints(*config_.source, secrets_, "source");
  if (!source.ok()) return Fail("source", source.status());
  source_nodes_ = *std::move(source);
  if (!shard_) {
    absl::MutexLock lock(&live_mu_);
    bucket_ = std::make_unique<TokenBucket>(context, BandwidthBytesPerSecond(live_bandwidth_));
  }
  // Resume from the checkpoint of this source when there is one (restart, takeover).
  if (IsIncremental(config_)) {
    if (auto point = LoadResumePoint(store_, task_.id, checkpoint_key())) {
      resume_ = *std::move(point);
      progress_.snapshot_done = true;
    }
  }
  int attempt = 0;
  absl::Status status;
  while (true) {
    const bool was_synced = resume_.synced_once;
    status = SyncOnce(context, reporter);
    if (status.ok() || context.cancelled()) break;
    if (!Retryable(status)) break;
    if ((resume_.synced_once && !was_synced) || streamed_) attempt = 0;  // the link worked
    streamed_ = false;
    const absl::Duration delay = ReconnectDelay(attempt++);
    reporter.log(
        "warning", "RECONNECTING",
        absl::StrCat("lost the source or target (", status.message(), "); reconnecting in ",
                     absl::FormatDuration(delay), " to resume after offset ", resume_.applied));
    ++progress_.reconnects;
    ResetWriter();  // a failed writer is sticky; a new connection starts clean
    if (!context.SleepUnlessCancelled(delay)) break;
  }
  stats_.MarkFinished();
  if (context.cancelled()) return context.reason();
  return status;
}

}  // namespace rms::worker
