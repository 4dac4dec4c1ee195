// TaskContext: the one cancellation point of a running task; the first reason wins.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rms::worker {

// Thread-safe. Components register a callback that wakes their blocked I/O (e.g. a socket's
// Cancel()); Cancel() runs every callback once.
class TaskContext {
 public:
  // Records `reason` if it is the first, then runs the callbacks. Later calls do nothing.
  void Cancel(absl::Status reason);
  // Lock-free (called for every RDB event).
  bool cancelled() const { return cancelled_flag_.load(std::memory_order_acquire); }
  // OK while not cancelled.
  absl::Status reason() const;
  // Runs `callback` on Cancel (at once if already cancelled). Returns a handle for Unregister.
  int OnCancel(std::function<void()> callback);
  // After this returns, the callback of `handle` is not running and never runs again: when
  // another thread's Cancel() is running callbacks, it waits for them to finish (so an object
  // may unregister in its destructor). Called from a callback, it does not wait.
  void Unregister(int handle);
  // Sleeps up to `duration`; returns early (false) when cancelled. For retry back-off.
  bool SleepUnlessCancelled(absl::Duration duration);

 private:
  mutable absl::Mutex mu_;
  absl::Status reason_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> cancelled_flag_{false};
  int next_handle_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, std::function<void()>> callbacks_ ABSL_GUARDED_BY(mu_);
  bool running_callbacks_ ABSL_GUARDED_BY(mu_) = false;
  std::thread::id cancelling_thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::worker
