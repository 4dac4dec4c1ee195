// LeaseKeeper: renews a task's lease, publishes its stats, and notices stop requests.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/worker/task_context.h"
#include "storage/worker_store.h"

namespace rms::worker {

struct LeaseOptions {
  absl::Duration ttl = absl::Seconds(15);  // renewed every third of it
  absl::Duration stats_interval = absl::Seconds(1);
};

// One background thread per running task. When the lease is lost (another worker took the task
// over, or the database was unreachable for a whole lease) it cancels the task with ABORTED;
// when an operator stops or deletes the task it cancels it with CANCELLED. Stop() joins.
class LeaseKeeper {
 public:
  // `stats_json` is called on the keeper thread every stats interval; "" = nothing to write.
  // `on_row` sees every renewed row (live config changes such as bandwidth).
  LeaseKeeper(storage::WorkerStore& store, std::string task_id, int64_t epoch,
              LeaseOptions options, TaskContext& context,
              std::function<std::string()> stats_json,
              std::function<void(const storage::TaskRecord&)> on_row);
  ~LeaseKeeper();
  void Start();
  void Stop();
  bool lease_lost() const { return lease_lost_.load(); }
  bool stop_requested() const { return stop_requested_.load(); }

 private:
  void Loop();
  void Renew();

  storage::WorkerStore& store_;
  const std::string task_id_;
  const int64_t epoch_;
  const LeaseOptions options_;
  TaskContext& context_;
  std::function<std::string()> stats_json_;
  std::function<void(const storage::TaskRecord&)> on_row_;
  absl::Notification done_;
  std::thread thread_;
  absl::Time last_renewed_;
  std::atomic<bool> lease_lost_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace rms::worker
