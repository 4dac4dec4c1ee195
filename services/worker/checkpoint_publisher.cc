// CheckpointPublisher: a background thread that stores the newest checkpoint once per interval.
#include "services/worker/checkpoint_publisher.h"

#include <algorithm>

namespace rms::worker {

CheckpointPublisher::CheckpointPublisher(WriteFn write, absl::Duration interval,
                                         absl::Duration give_up_after)
    : write_(std::move(write)),
      interval_(std::max(interval, absl::Milliseconds(1))),
      give_up_after_(give_up_after),
      thread_([this] { Loop(); }) {}

CheckpointPublisher::~CheckpointPublisher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void CheckpointPublisher::Update(const storage::Checkpoint& checkpoint) {
  absl::MutexLock lock(&mu_);
  pending_ = checkpoint;
}

absl::Status CheckpointPublisher::Flush() {
  absl::MutexLock writing(&write_mu_);
  return WritePending();
}

absl::Status CheckpointPublisher::error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

absl::Status CheckpointPublisher::WritePending() {
  std::optional<storage::Checkpoint> checkpoint;
  {
    absl::MutexLock lock(&mu_);
    if (!error_.ok()) return error_;
    checkpoint = std::exchange(pending_, std::nullopt);
  }
  if (!checkpoint) return absl::OkStatus();
  absl::Status written = write_(*checkpoint);
  absl::MutexLock lock(&mu_);
  if (written.ok()) {
    failing_since_.reset();
    return error_;
  }
  const absl::Time now = absl::Now();
  if (!failing_since_) failing_since_ = now;
  if (absl::IsAborted(written) || now - *failing_since_ >= give_up_after_) {
    if (error_.ok()) error_ = written;
    return error_;
  }
  if (!pending_) pending_ = std::move(checkpoint);  // retried by the next tick unless replaced
  return written;
}

void CheckpointPublisher::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
    absl::MutexLock writing(&write_mu_);
    (void)WritePending();  // kept in error_ for the stream loop
  }
}

}  // namespace rms::worker
