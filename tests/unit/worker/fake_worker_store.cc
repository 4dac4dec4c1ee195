// FakeWorkerStore: the WorkerStore contract (epoch fencing) over one in-memory task.
#include "tests/unit/worker/fake_worker_store.h"

#include "absl/strings/str_cat.h"

namespace rms::worker::testing {

bool Eventually(const std::function<bool()>& predicate) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    if (predicate()) return true;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return predicate();
}

absl::Status FakeWorkerStore::Fence(int64_t epoch, const std::string& write) {
  if (epoch != task_.lease_epoch) return absl::AbortedError("lease lost");
  writes_.push_back(write);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<storage::TaskRecord>> FakeWorkerStore::ClaimTask(
    absl::string_view owner, absl::Duration) {
  absl::MutexLock lock(&mu_);
  task_.lease_owner = std::string(owner);
  ++task_.lease_epoch;
  return task_;
}

absl::StatusOr<storage::TaskRecord> FakeWorkerStore::RenewLease(absl::string_view, int64_t epoch,
                                                                absl::Duration) {
  if (renew_hook) {
    if (absl::Status s = renew_hook(); !s.ok()) return s;
  }
  absl::MutexLock lock(&mu_);
  if (epoch != task_.lease_epoch) return absl::AbortedError("lease lost");
  ++renewals_;
  return task_;
}

absl::StatusOr<storage::TaskRecord> FakeWorkerStore::UpdateLeasedTask(
    absl::string_view, int64_t epoch, const storage::TaskMutation& mutate) {
  absl::MutexLock lock(&mu_);
  if (epoch != task_.lease_epoch) return absl::AbortedError("lease lost");
  storage::TaskRecord row = task_;
  storage::TaskEvent event;
  if (absl::Status s = mutate(row, event); !s.ok()) return s;
  task_ = row;
  if (event.code.empty()) {
    writes_.push_back("UpdateLeasedTask");  // a row change without a log entry
    return task_;
  }
  transition_events_.push_back(event);
  writes_.push_back(absl::StrCat("transition:", task_model::ToDcsString(row.status)));
  return task_;
}

absl::Status FakeWorkerStore::ReleaseLease(absl::string_view, int64_t epoch) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Fence(epoch, "ReleaseLease"); !s.ok()) return s;
  task_.lease_owner.clear();
  return absl::OkStatus();
}

absl::Status FakeWorkerStore::WriteStats(absl::string_view, int64_t epoch, absl::string_view json) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Fence(epoch, "WriteStats"); !s.ok()) return s;
  task_.stats_json = std::string(json);
  return absl::OkStatus();
}

absl::Status FakeWorkerStore::WriteCheckpoint(absl::string_view, int64_t epoch,
                                              const storage::Checkpoint& checkpoint) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Fence(epoch, "WriteCheckpoint"); !s.ok()) return s;
  checkpoints_ = {checkpoint};
  return absl::OkStatus();
}

absl::StatusOr<std::vector<storage::Checkpoint>> FakeWorkerStore::ReadCheckpoints(
    absl::string_view) {
  absl::MutexLock lock(&mu_);
  return checkpoints_;
}

absl::Status FakeWorkerStore::ClearCheckpoints(absl::string_view, int64_t epoch) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Fence(epoch, "ClearCheckpoints"); !s.ok()) return s;
  checkpoints_.clear();
  return absl::OkStatus();
}

absl::Status FakeWorkerStore::AddEvent(absl::string_view, int64_t epoch,
                                       const storage::TaskEvent&) {
  absl::MutexLock lock(&mu_);
  return Fence(epoch, "AddEvent");
}

void FakeWorkerStore::TakeOver() {
  absl::MutexLock lock(&mu_);
  ++task_.lease_epoch;
}

void FakeWorkerStore::SetDesiredState(const std::string& state) {
  absl::MutexLock lock(&mu_);
  task_.desired_state = state;
}

void FakeWorkerStore::SetStatus(task_model::TaskStatus status) {
  absl::MutexLock lock(&mu_);
  task_.status = status;
}

std::vector<storage::TaskEvent> FakeWorkerStore::transition_events() const {
  absl::MutexLock lock(&mu_);
  return transition_events_;
}

storage::TaskRecord FakeWorkerStore::task() const {
  absl::MutexLock lock(&mu_);
  return task_;
}

std::vector<std::string> FakeWorkerStore::writes() const {
  absl::MutexLock lock(&mu_);
  return writes_;
}

int FakeWorkerStore::renewals() const {
  absl::MutexLock lock(&mu_);
  return renewals_;
}

}  // namespace rms::worker::testing
