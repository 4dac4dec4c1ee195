// WorkerPool: N task slots that claim tasks from PostgreSQL, woken by LISTEN/NOTIFY.
#include "services/worker/worker_pool.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "storage/pg_store.h"
#include "storage/pg_worker_store.h"

namespace rms::worker {

WorkerPool::WorkerPool(storage::WorkerStore& store, std::string listen_url, JobFactory jobs,
                       WorkerPoolOptions options, VerificationWork verifications)
    : store_(store), listen_url_(std::move(listen_url)), jobs_(std::move(jobs)),
      verifications_(std::move(verifications)), options_(std::move(options)) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start() {
  threads_.emplace_back([this] { ListenLoop(); });
  for (int slot = 0; slot < options_.slots; ++slot) {
    threads_.emplace_back([this, slot] { SlotLoop(slot); });
  }
  for (int slot = 0; verifications_ && slot < options_.verification_slots; ++slot) {
    threads_.emplace_back([this, slot] { VerificationSlotLoop(slot); });
  }
  LogInfo(absl::StrCat("worker role: ", options_.slots, " task slots",
                       verifications_ ? absl::StrCat(" and ", options_.verification_slots,
                                                     " verification slot(s)")
                                      : "",
                       " as ", options_.owner_prefix));
}

void WorkerPool::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  shutdown_.Cancel(absl::CancelledError("the worker is shutting down"));
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

bool WorkerPool::WaitForWork() {
  absl::MutexLock lock(&mu_);
  const uint64_t seen = wakeups_;
  auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || wakeups_ != seen;
  };
  mu_.AwaitWithTimeout(absl::Condition(&woken), options_.idle_poll);
  return !stopping_;
}

void WorkerPool::SlotLoop(int slot) {
  const std::string owner = absl::StrCat(options_.owner_prefix, "/", slot);
  TaskRunner runner(store_, jobs_, options_.lease);
  const LeaseClock& clock = LeaseClockOf(options_.lease);
  while (!shutdown_.cancelled()) {
    const absl::Time claim_sent_at = clock.Now();  // the lease is measured from here
    absl::StatusOr<std::optional<storage::TaskRecord>> claimed =
        store_.ClaimTask(owner, options_.lease.ttl);
    if (!claimed.ok()) {
      LogWarning(absl::StrCat("worker ", owner, ": cannot claim tasks: ", claimed.status().message()));
    } else if (claimed->has_value()) {
      runner.Run(**claimed, shutdown_, claim_sent_at);
      continue;  // there may be more work right away
    }
    if (!WaitForWork()) return;
  }
}

void WorkerPool::VerificationSlotLoop(int slot) {
  const std::string owner = absl::StrCat(options_.owner_prefix, "/verify-", slot);
  while (!shutdown_.cancelled()) {
    if (verifications_(owner, shutdown_)) continue;  // there may be more work right away
    if (!WaitForWork()) return;
  }
}

void WorkerPool::ListenLoop() {
  std::unique_ptr<storage::PgTaskNotifier> notifier;
  while (!shutdown_.cancelled()) {
    if (!notifier) {
      std::vector<std::string> channels = {storage::kTaskChannel};
      if (verifications_) channels.push_back(storage::kVerificationChannel);
      auto opened = storage::PgTaskNotifier::Open(listen_url_, channels);
      if (!opened.ok()) {
        LogWarning(absl::StrCat("worker: cannot LISTEN for tasks: ", opened.status().message()));
        shutdown_.SleepUnlessCancelled(absl::Seconds(2));
        continue;
      }
      notifier = std::move(opened).value();
    }
    absl::StatusOr<bool> notified = notifier->Wait(absl::Milliseconds(500));
    if (!notified.ok()) {
      notifier.reset();
      continue;
    }
    if (*notified) {
      absl::MutexLock lock(&mu_);
      ++wakeups_;
    }
  }
}

}  // namespace rms::worker
