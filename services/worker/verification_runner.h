// VerificationRunner: one claimed verification from claim to DONE, FAILED or release, and the
// worker slot's unit of work that claims it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/crypto/secret_box.h"
#include "services/engine/redis/redis_client.h"
#include "services/verify/cluster_side.h"
#include "services/verify/report.h"
#include "services/verify/verifier.h"
#include "services/worker/task_context.h"
#include "storage/task_store.h"
#include "storage/verification_store.h"
#include "storage/worker_store.h"

namespace rms::worker {

struct VerificationRunnerOptions {
  absl::Duration lease_ttl = absl::Seconds(15);
  absl::Duration progress_interval = absl::Seconds(1);
  // Incremental migration: how long the re-check waits for the target to catch up.
  absl::Duration catch_up_deadline = absl::Seconds(30);
};

// What a verification ended with (metrics).
struct VerificationOutcome {
  std::string status;  // DONE | FAILED
  verify::Report report;
  uint64_t source_commands = 0;
  absl::Duration elapsed;
};
using VerificationObserver = std::function<void(const VerificationOutcome&)>;

// The stores must outlive the runner. Run() blocks the calling thread.
class VerificationRunner {
 public:
  VerificationRunner(storage::VerificationStore& verifications, storage::TaskStore& tasks,
                     storage::WorkerStore& workers, const crypto::SecretBox& secrets,
                     VerificationRunnerOptions options, VerificationObserver observer);

  // Runs `verification` (claimed at its lease_epoch): DONE with the counters, or FAILED with the
  // error (no password in it); when `shutdown` is cancelled (the worker stops) the lease is
  // released and another worker starts it again; when the lease is lost nothing more is written.
  void Run(const storage::VerificationRecord& verification, TaskContext& shutdown);

 private:
  // The verification's task and a connection to each of its sides.
  struct Session {
    storage::TaskRecord task;
    std::unique_ptr<engine::redis::RedisClient> source;
    std::unique_ptr<engine::redis::RedisClient> target;   // a standalone target, or
    std::unique_ptr<verify::ClusterSide> target_cluster;  // a Redis Cluster target
  };
  absl::StatusOr<Session> Open(const storage::VerificationRecord& verification);
  // Sleeps on `context`; during incremental migration, the catch-up wait of the re-check.
  verify::VerifierHooks HooksFor(const storage::TaskRecord& task, TaskContext& context);
  void Finish(const storage::VerificationRecord& verification, const absl::Status& outcome,
              const verify::Report& report, uint64_t source_commands, absl::Time started);

  storage::VerificationStore& verifications_;
  storage::TaskStore& tasks_;
  storage::WorkerStore& workers_;
  const crypto::SecretBox& secrets_;
  const VerificationRunnerOptions options_;
  VerificationObserver observer_;
};

// A worker slot's unit of work: claims one verification as `owner` and runs it; false when
// there was none (or the claim failed, logged).
using VerificationWork = std::function<bool(const std::string& owner, TaskContext& shutdown)>;
VerificationWork MakeVerificationWork(storage::VerificationStore& verifications,
                                      std::shared_ptr<VerificationRunner> runner,
                                      absl::Duration lease_ttl);

}  // namespace rms::worker
