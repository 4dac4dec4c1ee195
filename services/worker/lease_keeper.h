// LeaseKeeper: renews a task's lease, stops the task before the lease can lapse, publishes stats.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/worker/lease_clock.h"
#include "services/worker/task_context.h"
#include "storage/worker_store.h"

namespace rms::worker {

struct LeaseOptions {
  absl::Duration ttl = absl::Seconds(15);  // renewed every third of it
  absl::Duration stats_interval = absl::Seconds(1);
  // How often the watchdog and the other keeper threads look at the clock.
  absl::Duration tick = absl::Milliseconds(50);
  const LeaseClock* clock = nullptr;  // nullptr: SteadyLeaseClock()
};

// How long a worker may apply after sending a renewal that then succeeded: two thirds of the
// TTL, leaving a third as margin for the send latency and the clocks' drift.
absl::Duration LeaseHold(const LeaseOptions& options);
const LeaseClock& LeaseClockOf(const LeaseOptions& options);

// Three threads per running task, none of which waits on another's I/O:
// - the renewer renews every third of the TTL (on the store's lease connection);
// - the watchdog does no I/O: it cancels the task with ABORTED once the clock passes
//   LeaseHold() after the send of the newest renewal that succeeded, even while a renewal hangs;
// - the stats thread calls `stats_json` (which may probe slow peers) and writes the stats.
// A renewal answered ABORTED (another worker holds the task) cancels with ABORTED at once; a
// renewed row whose desired_state is not "running" cancels with CANCELLED (an operator stop).
// Once the lease is lost the keeper writes nothing more. Stop() joins.
class LeaseKeeper {
 public:
  // `claim_sent_at`: the clock's time just before the claim was sent (the first deadline).
  // `stats_json` returns "" for nothing to write; `on_row` sees every renewed row (live config
  // changes such as bandwidth).
  LeaseKeeper(storage::WorkerStore& store, std::string task_id, int64_t epoch, LeaseOptions options,
              absl::Time claim_sent_at, TaskContext& context,
              std::function<std::string()> stats_json,
              std::function<void(const storage::TaskRecord&)> on_row);
  ~LeaseKeeper();
  void Start();
  void Stop();
  bool lease_lost() const { return lease_lost_.load(); }
  bool stop_requested() const { return stop_requested_.load(); }

 private:
  void RenewLoop();
  void WatchLoop();
  void StatsLoop();
  // Renews with a request sent at `sent`; true when it succeeded.
  bool Renew(absl::Time sent);
  void Lose(absl::string_view why);
  void WriteStats();

  storage::WorkerStore& store_;
  const std::string task_id_;
  const int64_t epoch_;
  const LeaseOptions options_;
  const LeaseClock& clock_;
  const absl::Time claim_sent_at_;
  LeaseDeadline deadline_;
  TaskContext& context_;
  std::function<std::string()> stats_json_;
  std::function<void(const storage::TaskRecord&)> on_row_;
  absl::Notification done_;
  std::vector<std::thread> threads_;
  std::atomic<bool> lease_lost_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace rms::worker
