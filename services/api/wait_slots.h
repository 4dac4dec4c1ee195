// WaitSlots: a counting semaphore that never blocks, bounding the threads parked in long waits.
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace rms::api {

// At most `capacity` holders at once; TryAcquire answers at once instead of queueing, so a
// caller beyond the limit can reply without parking a server thread. Thread-safe.
class WaitSlots {
 public:
  explicit WaitSlots(int capacity) : free_(capacity < 0 ? 0 : capacity) {}

  // A held slot, released when destroyed; empty (false) when none was free.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->Release();
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class WaitSlots;
    explicit Slot(WaitSlots* owner) : owner_(owner) {}
    WaitSlots* owner_ = nullptr;
  };

  // A slot if one is free now, else an empty Slot.
  Slot TryAcquire() {
    absl::MutexLock lock(&mu_);
    if (free_ == 0) return Slot();
    --free_;
    return Slot(this);
  }

  int FreeForTest() {
    absl::MutexLock lock(&mu_);
    return free_;
  }

 private:
  void Release() {
    absl::MutexLock lock(&mu_);
    ++free_;
  }

  absl::Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::api
