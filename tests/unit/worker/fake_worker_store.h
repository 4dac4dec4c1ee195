// FakeWorkerStore and FakeLeaseClock: an in-memory WorkerStore and a hand-driven clock, for
// unit tests of the lease keeper and the task runner without PostgreSQL.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/worker/lease_clock.h"
#include "storage/worker_store.h"

namespace rms::worker::testing {

// Polls `predicate` for up to 5 s of real time (the threads under test run on their own).
bool Eventually(const std::function<bool()>& predicate);

class FakeLeaseClock final : public LeaseClock {
 public:
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ = absl::UnixEpoch() + absl::Hours(1);
};

// One task. Fenced calls answer ABORTED once `epoch` is not the task's epoch; every write is
// recorded as "<call>" or, for a row change with a log entry, "transition:<status>". `renew_hook`,
// when set, runs inside RenewLease (e.g. to block it or make it fail) and its non-OK status is
// returned.
class FakeWorkerStore final : public storage::WorkerStore {
 public:
  explicit FakeWorkerStore(storage::TaskRecord task) : task_(std::move(task)) {}

  std::function<absl::Status()> renew_hook;

  absl::StatusOr<std::optional<storage::TaskRecord>> ClaimTask(absl::string_view owner,
                                                               absl::Duration) override;
  absl::StatusOr<storage::TaskRecord> RenewLease(absl::string_view, int64_t epoch,
                                                 absl::Duration) override;
  absl::StatusOr<storage::TaskRecord> UpdateLeasedTask(absl::string_view, int64_t epoch,
                                                       const storage::TaskMutation& m) override;
  absl::Status ReleaseLease(absl::string_view, int64_t epoch) override;
  absl::Status WriteStats(absl::string_view, int64_t epoch, absl::string_view json) override;
  absl::Status WriteCheckpoint(absl::string_view, int64_t epoch,
                               const storage::Checkpoint& checkpoint) override;
  absl::StatusOr<std::vector<storage::Checkpoint>> ReadCheckpoints(absl::string_view) override;
  absl::Status ClearCheckpoints(absl::string_view, int64_t epoch) override;
  absl::Status AddEvent(absl::string_view, int64_t epoch, const storage::TaskEvent&) override;

  // Another worker claims the task (epoch + 1).
  void TakeOver();
  void SetDesiredState(const std::string& state);
  // What the API does meanwhile (a stop, say): the row's status changes under the worker.
  void SetStatus(task_model::TaskStatus status);
  // The log entries written with status transitions, oldest first.
  std::vector<storage::TaskEvent> transition_events() const;
  storage::TaskRecord task() const;
  std::vector<std::string> writes() const;
  int renewals() const;

 private:
  absl::Status Fence(int64_t epoch, const std::string& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  storage::TaskRecord task_ ABSL_GUARDED_BY(mu_);
  std::vector<storage::Checkpoint> checkpoints_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> writes_ ABSL_GUARDED_BY(mu_);
  std::vector<storage::TaskEvent> transition_events_ ABSL_GUARDED_BY(mu_);
  int renewals_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rms::worker::testing
