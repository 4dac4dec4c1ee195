// TaskContext: the one cancellation point of a running task; the first reason wins.
#include "services/worker/task_context.h"

#include <vector>

namespace rms::worker {

void TaskContext::Cancel(absl::Status reason) {
  std::vector<std::function<void()>> to_run;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    cancelled_flag_.store(true, std::memory_order_release);
    reason_ = reason.ok() ? absl::CancelledError("cancelled") : std::move(reason);
    for (auto& [handle, callback] : callbacks_) to_run.push_back(callback);
    running_callbacks_ = true;
    cancelling_thread_ = std::this_thread::get_id();
  }
  for (auto& callback : to_run) callback();
  absl::MutexLock lock(&mu_);
  running_callbacks_ = false;
}

absl::Status TaskContext::reason() const {
  absl::MutexLock lock(&mu_);
  return reason_;
}

int TaskContext::OnCancel(std::function<void()> callback) {
  bool run_now = false;
  int handle;
  {
    absl::MutexLock lock(&mu_);
    handle = next_handle_++;
    if (cancelled_) {
      run_now = true;
    } else {
      callbacks_[handle] = callback;
    }
  }
  if (run_now) callback();
  return handle;
}

void TaskContext::Unregister(int handle) {
  absl::MutexLock lock(&mu_);
  callbacks_.erase(handle);
  if (running_callbacks_ && cancelling_thread_ != std::this_thread::get_id()) {
    // Cancel() copied the callbacks before running them: wait until the copy is done with.
    auto finished = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !running_callbacks_; };
    mu_.Await(absl::Condition(&finished));
  }
}

bool TaskContext::SleepUnlessCancelled(absl::Duration duration) {
  absl::MutexLock lock(&mu_);
  auto is_cancelled = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return cancelled_; };
  return !mu_.AwaitWithTimeout(absl::Condition(&is_cancelled), duration);
}

}  // namespace rms::worker
