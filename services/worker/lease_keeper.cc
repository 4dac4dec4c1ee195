// LeaseKeeper: a renewer, an I/O-free watchdog and a stats writer per running task.
#include "services/worker/lease_keeper.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace rms::worker {

absl::Duration LeaseHold(const LeaseOptions& options) { return options.ttl * 2 / 3; }

const LeaseClock& LeaseClockOf(const LeaseOptions& options) {
  return options.clock != nullptr ? *options.clock : SteadyLeaseClock();
}

LeaseKeeper::LeaseKeeper(storage::WorkerStore& store, std::string task_id, int64_t epoch,
                         LeaseOptions options, absl::Time claim_sent_at, TaskContext& context,
                         std::function<std::string()> stats_json,
                         std::function<void(const storage::TaskRecord&)> on_row)
    : store_(store),
      task_id_(std::move(task_id)),
      epoch_(epoch),
      options_(options),
      clock_(LeaseClockOf(options)),
      claim_sent_at_(claim_sent_at),
      deadline_(claim_sent_at, LeaseHold(options)),
      context_(context),
      stats_json_(std::move(stats_json)),
      on_row_(std::move(on_row)) {}

LeaseKeeper::~LeaseKeeper() { Stop(); }

void LeaseKeeper::Start() {
  threads_.emplace_back([this] { WatchLoop(); });
  threads_.emplace_back([this] { RenewLoop(); });
  if (stats_json_) threads_.emplace_back([this] { StatsLoop(); });
}

void LeaseKeeper::Stop() {
  if (!done_.HasBeenNotified()) done_.Notify();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void LeaseKeeper::Lose(absl::string_view why) {
  if (lease_lost_.exchange(true)) return;
  absl::Status reason = absl::AbortedError(
      absl::StrCat("lost the lease of task ", task_id_, " (epoch ", epoch_, "): ", why));
  LogWarning(reason.message());
  context_.Cancel(std::move(reason));
}

void LeaseKeeper::WatchLoop() {
  while (!done_.WaitForNotificationWithTimeout(options_.tick)) {
    if (lease_lost_) return;
    if (deadline_.Expired(clock_.Now())) {
      Lose(absl::StrCat("no renewal succeeded within ", absl::FormatDuration(LeaseHold(options_)),
                        "; stopped before the lease could lapse"));
      return;
    }
  }
}

void LeaseKeeper::RenewLoop() {
  absl::Time next = claim_sent_at_ + options_.ttl / 3;
  while (!done_.WaitForNotificationWithTimeout(options_.tick)) {
    if (lease_lost_) return;
    if (clock_.Now() < next) continue;
    const absl::Time sent = clock_.Now();
    // A failed renewal is retried soon; the watchdog decides when it is too late.
    next = Renew(sent) ? sent + options_.ttl / 3 : clock_.Now() + options_.ttl / 15;
  }
}

bool LeaseKeeper::Renew(absl::Time sent) {
  absl::StatusOr<storage::TaskRecord> row = store_.RenewLease(task_id_, epoch_, options_.ttl);
  if (absl::IsAborted(row.status())) {
    Lose(row.status().message());
    return false;
  }
  if (!row.ok()) {
    LogWarning(absl::StrCat("task ", task_id_,
                            ": lease renewal failed, retrying: ", row.status().message()));
    return false;
  }
  deadline_.Renewed(sent);
  if (on_row_) on_row_(*row);
  if (row->desired_state != "running" && !stop_requested_.exchange(true)) {
    context_.Cancel(absl::CancelledError(
        absl::StrCat("an operator asked the task to stop (", row->desired_state, ")")));
  }
  return true;
}

void LeaseKeeper::StatsLoop() {
  absl::Time next = clock_.Now() + options_.stats_interval;
  while (!done_.WaitForNotificationWithTimeout(options_.tick)) {
    if (lease_lost_) return;
    if (clock_.Now() < next) continue;
    WriteStats();
    next = clock_.Now() + options_.stats_interval;
  }
}

void LeaseKeeper::WriteStats() {
  const std::string stats = stats_json_();  // may probe the source and the target
  if (stats.empty() || lease_lost_) return;
  absl::Status s = store_.WriteStats(task_id_, epoch_, stats);
  if (!s.ok() && !absl::IsAborted(s))
    LogWarning(absl::StrCat("task ", task_id_, ": ", s.message()));
}

}  // namespace rms::worker
