// DelayedCancel and HoldHandover: the lost-lease end of a stream.
#include "services/worker/lost_lease_handover.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kHoldPoll = absl::Milliseconds(500);

}  // namespace

DelayedCancel::DelayedCancel(TaskContext& context, std::function<void()> cancel,
                             absl::Duration delay)
    : context_(context), cancel_(std::move(cancel)), delay_(delay) {
  thread_ = std::thread([this] { Loop(); });
  handle_ = context_.OnCancel([this] {
    if (!absl::IsAborted(context_.reason())) return;
    absl::MutexLock lock(&mu_);
    aborted_ = true;
  });
}

DelayedCancel::~DelayedCancel() {
  context_.Unregister(handle_);
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  thread_.join();
}

void DelayedCancel::Loop() {
  absl::MutexLock lock(&mu_);
  auto aborted_or_done = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return aborted_ || done_; };
  mu_.Await(absl::Condition(&aborted_or_done));
  if (done_) return;
  if (!mu_.AwaitWithTimeout(absl::Condition(&done_), delay_)) cancel_();
}

void HoldHandover(engine::redis::RedisClient& target, const std::function<bool()>& store_final,
                  absl::Duration max_hold) {
  const absl::Time until = absl::Now() + max_hold;
  while (absl::Now() < until) {
    if (store_final()) return;
    if (!target.Command({"PING"}).ok()) return;  // closed by the next owner's fence
    absl::SleepFor(kHoldPoll);
  }
}

}  // namespace rms::worker
