// CheckpointPublisher: persists the applied position of a replication stream in the background,
// at most once per interval, so PostgreSQL commits stay off the path that applies the stream.
#pragma once

#include <functional>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/worker_store.h"

namespace rms::worker {

// Writes run one at a time, in order, each with the latest checkpoint given (older ones it
// replaced are skipped), so the stored position never goes back. A failed write is transient
// (e.g. the database restarts): the checkpoint stays pending and the next tick retries it. It
// becomes final when it is ABORTED (the lease was lost) or when writes kept failing for
// `give_up_after`: error() returns it and nothing more is written.
class CheckpointPublisher {
 public:
  using WriteFn = std::function<absl::Status(const storage::Checkpoint&)>;

  // Starts the background thread; `write` is called from it and from Flush(). Intervals below
  // 1 ms are taken as 1 ms.
  CheckpointPublisher(WriteFn write, absl::Duration interval,
                      absl::Duration give_up_after = absl::Seconds(10));
  // Stops the thread without writing what is pending (call Flush() first to keep it).
  ~CheckpointPublisher();
  CheckpointPublisher(const CheckpointPublisher&) = delete;
  CheckpointPublisher& operator=(const CheckpointPublisher&) = delete;

  // The newest applied position; written within `interval`. Any thread.
  void Update(const storage::Checkpoint& checkpoint);
  // Writes the newest position now unless it is already stored; returns the write's status (a
  // transient failure included) or error(). Any thread.
  absl::Status Flush();
  absl::Status error() const;

 private:
  void Loop();
  // Writes the pending checkpoint, if any. Called with write_mu_ held.
  absl::Status WritePending() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  WriteFn write_;
  const absl::Duration interval_;
  const absl::Duration give_up_after_;
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // one write at a time, in order
  mutable absl::Mutex mu_;
  std::optional<storage::Checkpoint> pending_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> failing_since_ ABSL_GUARDED_BY(mu_);  // first failure of a run
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rms::worker
