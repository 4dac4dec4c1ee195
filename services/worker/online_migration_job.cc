// OnlineMigrationJob: PSYNC snapshot to the target, then (incremental) the replication stream,
// reconnecting from the applied offset when resume_mode is auto.
#include "services/worker/online_migration_job.h"

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/worker/endpoints.h"
#include "services/worker/failure_code.h"
#include "services/worker/snapshot_copy.h"
#include "services/worker/target_fence.h"

namespace rms::worker {
namespace {

using engine::replication::ReplicationSession;

bool IsIncremental(const task_config::TaskConfig& config) {
  return config.migration_method == "incremental_migration";
}

constexpr absl::Duration kBufferWarningInterval = absl::Minutes(5);

}  // namespace

absl::Duration ReconnectDelay(int attempt) {
  const double base = std::min(30.0, 0.5 * static_cast<double>(1 << std::min(attempt, 6)));
  static thread_local std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return absl::Seconds(std::min(30.0, base * jitter(random)));
}

OnlineMigrationJob::OnlineMigrationJob(const storage::TaskRecord& task,
                                       task_config::TaskConfig config,
                                       storage::WorkerStore& store,
                                       const crypto::SecretBox& secrets, EngineLimits limits)
    : task_(task), config_(std::move(config)), store_(store), secrets_(secrets), limits_(limits),
      status_(task.status), manual_(config_.resume_mode == "manual") {
  live_bandwidth_ = config_.bandwidth_limit_mb;
}

absl::Status OnlineMigrationJob::Fail(absl::string_view phase, absl::Status status) {
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

std::string OnlineMigrationJob::StatsJson() const {
  absl::MutexLock lock(&stats_mu_);
  const bool final_sample = finished_.exchange(false);
  if (source_probe_) progress_.source_dbsize = source_probe_->Get(final_sample);
  if (target_probe_) progress_.target_dbsize = target_probe_->Get(final_sample);
  if (offset_probe_ && progress_.snapshot_done.load()) {
    // How far the target is behind what the source has written, not just behind what was read.
    offset_probe_->Sample(final_sample);
    const OffsetSamples& samples = offset_probe_->samples();
    progress_.source_offset = samples.latest().value_or(-1);
    progress_.source_behind_us = absl::ToInt64Microseconds(
        samples.Behind(progress_.applied_offset.load(), absl::Now()));
    WarnNearBufferLimit();
  }
  {
    absl::MutexLock live(&live_mu_);
    if (bucket_) progress_.throttled_ms = absl::ToInt64Milliseconds(bucket_->throttled());
  }
  return renderer_.Render(progress_, /*migrating=*/true);
}

void OnlineMigrationJob::WarnNearBufferLimit() const {
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
      "the source holds ", held / kMiB, " MiB of the replication stream for this migration; "
      "it drops the link at its replica client-output-buffer-limit (hard ", limit->hard_bytes / kMiB,
      " MiB, soft ", limit->soft_bytes / kMiB, " MiB for ", limit->soft_seconds,
      " s), and unless repl-backlog-size covers the gap the resume is a full resync: lower the "
      "write load, raise those limits, or raise bandwidth_limit_mb if it is set");
  (void)store_.AddEvent(task_.id, task_.lease_epoch, event);
}

bool OnlineMigrationJob::Retryable(const absl::Status& status) const {
  if (manual_ || !synced_once_ || !IsIncremental(config_)) return false;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kDataLoss:  // a damaged stream: reconnect and ask again
      return true;
    default:
      return false;
  }
}

absl::Status OnlineMigrationJob::MoveTo(const JobReporter& reporter, task_model::TaskStatus status,
                                        absl::string_view code, absl::string_view message) {
  if (status_ == status) return absl::OkStatus();
  absl::Status moved = reporter.transition(status, code, message);
  if (moved.ok()) status_ = status;
  return moved;
}

absl::Status OnlineMigrationJob::EnsureWriter() {
  if (writer_) return absl::OkStatus();
  auto writer = engine::writer::TargetWriter::Connect(target_, {});
  if (!writer.ok()) return Fail("target", writer.status());
  // Before the first write: name the connection and cut off older owners of the task.
  absl::StatusOr<engine::redis::RedisClient*> connection = (*writer)->LendConnection();
  if (!connection.ok()) return Fail("target", connection.status());
  absl::Status fenced = FenceTarget(**connection, task_.id, task_.lease_epoch);
  if (!fenced.ok()) return Fail("target", fenced);
  writer_ = *std::move(writer);
  return absl::OkStatus();
}

absl::Status OnlineMigrationJob::Run(TaskContext& context, const JobReporter& reporter) {
  if (!config_.source || !config_.target) {
    return Fail("source", absl::InvalidArgumentError("the task has no source or target"));
  }
  auto source = ToEngineEndpoint(*config_.source, secrets_, "source");
  if (!source.ok()) return Fail("source", source.status());
  auto target = ToEngineEndpoint(*config_.target, secrets_, "target");
  if (!target.ok()) return Fail("target", target.status());
  source_ = *source;
  target_ = *target;
  {
    absl::MutexLock lock(&stats_mu_);
    source_probe_ = std::make_unique<DbSizeProbe>(source_);
    target_probe_ = std::make_unique<DbSizeProbe>(target_);
    if (IsIncremental(config_)) offset_probe_ = std::make_unique<SourceOffsetProbe>(source_);
  }
  {
    absl::MutexLock lock(&live_mu_);
    bucket_ = std::make_unique<TokenBucket>(context, BandwidthBytesPerSecond(live_bandwidth_));
  }
  // Resume from the checkpoint of this source when there is one (restart, takeover).
  auto checkpoints = store_.ReadCheckpoints(task_.id);
  if (IsIncremental(config_) && checkpoints.ok()) {
    for (const storage::Checkpoint& checkpoint : *checkpoints) {
      if (checkpoint.shard != config_.source->addrs) continue;
      replid_ = checkpoint.replid;
      applied_ = checkpoint.offset;
      current_db_ = checkpoint.db;
      skip_offsets_ = checkpoint.skip_offsets;
      synced_once_ = true;
      progress_.snapshot_done = true;
    }
  }
  int attempt = 0;
  absl::Status status;
  while (true) {
    const bool was_synced = synced_once_;
    status = SyncOnce(context, reporter);
    if (status.ok() || context.cancelled()) break;
    if (!Retryable(status)) break;
    if ((synced_once_ && !was_synced) || streamed_) attempt = 0;  // the link worked: start over
    streamed_ = false;
    const absl::Duration delay = ReconnectDelay(attempt++);
    reporter.log("warning", "RECONNECTING",
                 absl::StrCat("lost the source or target (", status.message(),
                              "); reconnecting in ", absl::FormatDuration(delay),
                              " to resume after offset ", applied_));
    ++progress_.reconnects;
    writer_.reset();  // a failed writer is sticky; a new connection starts clean
    if (!context.SleepUnlessCancelled(delay)) break;
  }
  finished_ = true;
  if (context.cancelled()) return context.reason();
  return status;
}

absl::Status OnlineMigrationJob::SyncOnce(TaskContext& context, const JobReporter& reporter) {
  if (absl::Status s = EnsureWriter(); !s.ok()) return s;
  engine::replication::SessionOptions options;
  {
    absl::MutexLock lock(&live_mu_);
    options.throttle = bucket_.get();
  }
  options.max_command_bytes = limits_.max_command_bytes;
  options.memory_budget = limits_.budget;
  std::unique_ptr<ReplicationSession> session = ReplicationSession::Create(source_, options);
  const int link = context.OnCancel([&session] { session->Cancel(); });
  absl::Status status = session->Start(replid_, applied_);
  if (status.ok() && session->reply().full_resync) {
    status = CopyFullSnapshot(*session, context, reporter);
  } else if (status.ok()) {
    reporter.log("info", "PARTIAL_RESYNC",
                 absl::StrCat("+CONTINUE: the source resumed the stream after offset ", applied_));
    replid_ = session->reply().replid;
    progress_.snapshot_done = true;
    // The source does not repeat SELECT after +CONTINUE: restore the stream's database.
    status = writer_->ApplyCommand({"SELECT", std::to_string(current_db_)});
    if (!status.ok()) status = Fail("target", status);
  } else {
    status = Fail("source", status);
  }
  if (status.ok() && IsIncremental(config_)) {
    status = MoveTo(reporter, task_model::TaskStatus::kIncrMigrating, "INCR_SYNC_STARTED",
                    "snapshot applied; forwarding the replication stream");
    if (status.ok()) status = StreamChanges(*session, context);
  }
  context.Unregister(link);
  return status;
}

absl::Status OnlineMigrationJob::CopyFullSnapshot(ReplicationSession& session,
                                                  TaskContext& context,
                                                  const JobReporter& reporter) {
  if (synced_once_) {
    RETURN_IF_ERROR(AllowFullResync());
    reporter.log("warning", "FULL_RESYNC",
                 absl::StrCat("the source cannot continue after offset ", applied_,
                              " (its backlog no longer holds it): flushing the target and "
                              "copying a new snapshot"));
    if (absl::Status s = writer_->ApplyCommand({"FLUSHALL"}); !s.ok()) return Fail("target", s);
    ++progress_.full_resyncs;
  } else if (target_empty_at_first_sync_ == std::nullopt) {
    target_empty_at_first_sync_ = DbSizeProbe(target_).Get(/*force=*/true) == 0;
  }
  absl::Status moved =
      MoveTo(reporter, task_model::TaskStatus::kFullMigrating, "FULL_SYNC_STARTED",
             absl::StrCat("copying the snapshot of ", source_.Describe(), " to ",
                          target_.Describe()));
  if (!moved.ok()) return moved;
  progress_.snapshot_done = false;
  progress_.source_offset = -1;  // lag is measured again once the stream runs
  progress_.source_behind_us = 0;
  progress_.snapshot_size = session.snapshot_size();
  auto warn = [&](const std::string& w) { reporter.log("warning", "TARGET_WARNING", w); };
  absl::Status status = CopySnapshot(session.snapshot(), *writer_, progress_, context, warn);
  if (!status.ok()) return context.cancelled() ? context.reason() : Fail("snapshot", status);
  reporter.log("info", "FULL_SYNC_DONE",
               absl::StrCat("snapshot copied: ", progress_.keys_written.load(), " keys, ",
                            progress_.snapshot_bytes.load(), " RDB bytes"));
  replid_ = session.reply().replid;
  synced_once_ = true;
  current_db_ = 0;  // the source starts the stream with a SELECT
  skip_offsets_.clear();  // a new history: nothing of it was applied before
  return Checkpoint(session, session.reply().offset);
}

absl::Status OnlineMigrationJob::AllowFullResync() {
  const std::string& policy = config_.full_resync_policy;
  if (policy == "flush" || (policy.empty() && target_empty_at_first_sync_ == true)) {
    return absl::OkStatus();
  }
  const std::string why =
      policy == "fail" ? "full_resync_policy is \"fail\""
      : target_empty_at_first_sync_.has_value()
          ? "the target held keys at the task's first sync, which a flush would delete"
          : "this worker did not see the task's first sync, so it cannot tell whether the "
            "target held other keys then";
  return WithFailureCode(absl::FailedPreconditionError(absl::StrCat(
      "the source cannot continue after offset ", applied_,
      " (its backlog no longer holds it) and a full resync would flush the target, but ", why,
      ": flush the target yourself, or configure the task with full_resync_policy \"flush\", "
      "then restart it")), "FULL_RESYNC_REFUSED");
}

absl::Status OnlineMigrationJob::Checkpoint(ReplicationSession& session, int64_t offset) {
  applied_ = offset;
  (void)session.SetAppliedOffset(offset);
  progress_.applied_offset = offset;
  progress_.read_offset = session.read_offset();
  return store_.WriteCheckpoint(
      task_.id, task_.lease_epoch,
      storage::Checkpoint{config_.source->addrs, replid_, offset, task_.lease_epoch, current_db_});
}

}  // namespace rms::worker
