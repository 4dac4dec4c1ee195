// VerificationKeeper: writes a running verification's progress every second, which also renews
// its lease, and cancels the run when the lease is lost.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/verify/report.h"
#include "services/worker/task_context.h"
#include "storage/verification_store.h"

namespace rms::worker {

// The counters and examples of `report` as stored.
storage::VerificationCounts CountsOf(const verify::Report& report);
std::vector<storage::VerificationExample> ExamplesOf(const verify::Report& report);

// One background thread per running verification. The lease is lost when a write is fenced off
// (ABORTED: taken over, or deleted with its task) or no write succeeded for a whole `ttl`; the
// context is then cancelled with ABORTED. Stop() joins.
class VerificationKeeper {
 public:
  VerificationKeeper(storage::VerificationStore& store, const storage::VerificationRecord& row,
                     absl::Duration ttl, absl::Duration interval, TaskContext& context,
                     std::function<verify::Report()> progress);
  ~VerificationKeeper();
  void Start();
  void Stop();
  bool lease_lost() const { return lease_lost_.load(); }

 private:
  void Loop();
  void WriteProgress();

  storage::VerificationStore& store_;
  const storage::VerificationRecord& row_;
  const absl::Duration ttl_;
  const absl::Duration interval_;
  TaskContext& context_;
  std::function<verify::Report()> progress_;
  absl::Notification done_;
  std::thread thread_;
  absl::Time last_written_;
  std::atomic<bool> lease_lost_{false};
};

}  // namespace rms::worker
