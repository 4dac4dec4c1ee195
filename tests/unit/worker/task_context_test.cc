// TaskContext: the first reason wins, callbacks run once, and Unregister waits for a callback that
// another thread's Cancel() is running (an object may unregister in its destructor).
#include "services/worker/task_context.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"

namespace rms::worker {
namespace {

TEST(TaskContextTest, FirstReasonWinsAndCallbacksRunOnce) {
  TaskContext context;
  int runs = 0;
  context.OnCancel([&] { ++runs; });
  context.Cancel(absl::AbortedError("first"));
  context.Cancel(absl::CancelledError("second"));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(absl::IsAborted(context.reason()));
  EXPECT_TRUE(context.cancelled());
}

TEST(TaskContextTest, UnregisterWaitsForACallbackRunningOnAnotherThread) {
  TaskContext context;
  absl::Notification entered, release;
  std::atomic<bool> finished{false};
  const int handle = context.OnCancel([&] {
    entered.Notify();
    release.WaitForNotification();
    finished.store(true);
  });
  std::thread canceller([&] { context.Cancel(absl::AbortedError("lost")); });
  entered.WaitForNotification();
  std::atomic<bool> unregistered{false};
  std::thread owner([&] {
    context.Unregister(handle);
    unregistered.store(true);
    // Whatever the callback used may be destroyed from here on: it must have finished.
    EXPECT_TRUE(finished.load());
  });
  absl::SleepFor(absl::Milliseconds(50));  // gives a wrong Unregister the chance to return early
  EXPECT_FALSE(unregistered.load());
  release.Notify();
  owner.join();
  canceller.join();
  EXPECT_TRUE(unregistered.load());
}

TEST(TaskContextTest, UnregisterFromInsideACallbackDoesNotWait) {
  TaskContext context;
  int handle = -1;
  bool ran = false;
  handle = context.OnCancel([&] {
    context.Unregister(handle);
    ran = true;
  });
  context.Cancel(absl::CancelledError("stop"));
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace rms::worker
