// WorkerPool: N task slots that claim tasks from PostgreSQL, woken by LISTEN/NOTIFY.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/worker/task_runner.h"
#include "services/worker/verification_runner.h"
#include "storage/worker_store.h"

namespace rms::worker {

struct WorkerPoolOptions {
  int slots = 2;
  std::string owner_prefix;  // "<host>:<pid>"; a slot's lease owner is "<prefix>/<slot>"
  LeaseOptions lease;
  // Safety net: an idle slot looks for work at least this often even without a notification.
  absl::Duration idle_poll = absl::Seconds(5);
  // Slots that run verifications (beside the task slots), when the pool has VerificationWork.
  int verification_slots = 1;
};

// Start() launches the slots and a listener thread; Stop() cancels running tasks (they keep their
// status and release their leases for resumption) and verifications (released, to start again)
// and joins every thread.
class WorkerPool {
 public:
  // `listen_url` is the database URL for the LISTEN connection. `verifications` (optional) is
  // what a verification slot does each time it looks for work.
  WorkerPool(storage::WorkerStore& store, std::string listen_url, JobFactory jobs,
             WorkerPoolOptions options, VerificationWork verifications = nullptr);
  ~WorkerPool();
  void Start();
  void Stop();

 private:
  void SlotLoop(int slot);
  void VerificationSlotLoop(int slot);
  void ListenLoop();
  // Blocks until woken by a notification, the idle poll or Stop(); false once stopping.
  bool WaitForWork();

  storage::WorkerStore& store_;
  const std::string listen_url_;
  const JobFactory jobs_;
  const VerificationWork verifications_;
  const WorkerPoolOptions options_;
  TaskContext shutdown_;
  absl::Mutex mu_;
  uint64_t wakeups_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace rms::worker
