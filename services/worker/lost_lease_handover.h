// What an applier does when its lease is lost mid-stream: it stops sending at once, but reads the
// replies still owed for a moment (DelayedCancel cuts the connection only if that takes too long),
// then leaves the exact position on the target for the next owner (HoldHandover).
#pragma once

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"
#include "services/worker/task_context.h"

namespace rms::worker {

// Runs `cancel` `delay` after `context` is cancelled with ABORTED (a lost lease), unless this
// object is destroyed first. Other cancel reasons are left to their own handling.
class DelayedCancel {
 public:
  DelayedCancel(TaskContext& context, std::function<void()> cancel, absl::Duration delay);
  ~DelayedCancel();
  DelayedCancel(const DelayedCancel&) = delete;
  DelayedCancel& operator=(const DelayedCancel&) = delete;

 private:
  void Loop();

  TaskContext& context_;
  std::function<void()> cancel_;
  const absl::Duration delay_;
  absl::Mutex mu_;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  int handle_ = -1;
  std::thread thread_;
};

// Keeps `target` (already renamed with HandoverClientName) open until the next owner closes it
// after reading the handover, until `store_final` succeeds (the database holds the same position
// now, so the name is no longer needed), or for `max_hold`. Polls every 500 ms.
void HoldHandover(engine::redis::RedisClient& target, const std::function<bool()>& store_final,
                  absl::Duration max_hold);

}  // namespace rms::worker
