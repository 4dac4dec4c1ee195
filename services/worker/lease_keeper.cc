// LeaseKeeper: renews a task's lease, publishes its stats, and notices stop requests.
#include "services/worker/lease_keeper.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace rms::worker {

LeaseKeeper::LeaseKeeper(storage::WorkerStore& store, std::string task_id, int64_t epoch,
                         LeaseOptions options, TaskContext& context,
                         std::function<std::string()> stats_json,
                         std::function<void(const storage::TaskRecord&)> on_row)
    : store_(store), task_id_(std::move(task_id)), epoch_(epoch), options_(options),
      context_(context), stats_json_(std::move(stats_json)), on_row_(std::move(on_row)) {}

LeaseKeeper::~LeaseKeeper() { Stop(); }

void LeaseKeeper::Start() {
  last_renewed_ = absl::Now();
  thread_ = std::thread([this] { Loop(); });
}

void LeaseKeeper::Stop() {
  if (!done_.HasBeenNotified()) done_.Notify();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::Loop() {
  absl::Time next_renew = absl::Now() + options_.ttl / 3;
  while (!done_.WaitForNotificationWithTimeout(options_.stats_interval)) {
    if (stats_json_ && !lease_lost_) {
      std::string stats = stats_json_();
      if (!stats.empty()) {
        absl::Status s = store_.WriteStats(task_id_, epoch_, stats);
        if (!s.ok() && !absl::IsAborted(s)) LogWarning(absl::StrCat("task ", task_id_, ": ", s.message()));
      }
    }
    if (absl::Now() >= next_renew) {
      Renew();
      next_renew = absl::Now() + options_.ttl / 3;
    }
  }
}

void LeaseKeeper::Renew() {
  absl::StatusOr<storage::TaskRecord> row = store_.RenewLease(task_id_, epoch_, options_.ttl);
  if (row.ok()) {
    last_renewed_ = absl::Now();
    if (on_row_) on_row_(*row);
    if (row->desired_state != "running" && !stop_requested_.exchange(true)) {
      context_.Cancel(absl::CancelledError(
          absl::StrCat("an operator asked the task to stop (", row->desired_state, ")")));
    }
    return;
  }
  const bool expired = absl::Now() - last_renewed_ >= options_.ttl;
  if (absl::IsAborted(row.status()) || expired) {
    lease_lost_ = true;
    context_.Cancel(absl::AbortedError(absl::StrCat("lost the lease of task ", task_id_, ": ",
                                                    row.status().message())));
    return;
  }
  LogWarning(absl::StrCat("task ", task_id_, ": lease renewal failed, retrying: ",
                          row.status().message()));
}

}  // namespace rms::worker
