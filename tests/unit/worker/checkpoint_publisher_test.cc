// CheckpointPublisher: background writes of the newest checkpoint, Flush, transient and final
// errors, shutdown.
#include "services/worker/checkpoint_publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kLongInterval = absl::Hours(1);  // the background thread never writes
constexpr absl::Duration kShortInterval = absl::Milliseconds(10);
constexpr absl::Duration kDeadline = absl::Seconds(10);

storage::Checkpoint At(int64_t offset) {
  storage::Checkpoint checkpoint;
  checkpoint.shard = "10.0.0.1:6379";
  checkpoint.replid = "8f1c0e7f3a3d4b6c9e2a1b0c7d6e5f4a3b2c1d0e";
  checkpoint.offset = offset;
  checkpoint.epoch = 3;
  checkpoint.db = 2;
  return checkpoint;
}

// A store that records every checkpoint written, can be told to fail, and notices overlapping
// writes.
class FakeStore {
 public:
  CheckpointPublisher::WriteFn Writer() {
    return [this](const storage::Checkpoint& checkpoint) { return Write(checkpoint); };
  }

  void FailWith(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_with_ = std::move(status);
  }
  // Simulates a slow PostgreSQL commit, to widen the window in which writes could overlap.
  void SetWriteDuration(absl::Duration duration) {
    absl::MutexLock lock(&mu_);
    write_duration_ = duration;
  }

  // Waits until at least `calls` writes were attempted; false when the deadline passes first.
  bool WaitForCalls(size_t calls, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, calls]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return calls_ >= calls; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  size_t calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::vector<storage::Checkpoint> written() const {
    absl::MutexLock lock(&mu_);
    return written_;
  }
  std::vector<int64_t> offsets() const {
    std::vector<int64_t> offsets;
    for (const storage::Checkpoint& checkpoint : written()) offsets.push_back(checkpoint.offset);
    return offsets;
  }
  int max_in_flight() const { return max_in_flight_.load(); }

 private:
  absl::Status Write(const storage::Checkpoint& checkpoint) {
    const int in_flight = in_flight_.fetch_add(1) + 1;
    int seen = max_in_flight_.load();
    while (in_flight > seen && !max_in_flight_.compare_exchange_weak(seen, in_flight)) {
    }
    absl::Duration duration;
    {
      absl::MutexLock lock(&mu_);
      duration = write_duration_;
    }
    if (duration > absl::ZeroDuration()) absl::SleepFor(duration);
    absl::Status result;
    {
      absl::MutexLock lock(&mu_);
      ++calls_;
      result = fail_with_;
      if (result.ok()) written_.push_back(checkpoint);
    }
    in_flight_.fetch_sub(1);
    return result;
  }

  mutable absl::Mutex mu_;
  size_t calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<storage::Checkpoint> written_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_with_ ABSL_GUARDED_BY(mu_);
  absl::Duration write_duration_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

TEST(CheckpointPublisherTest, NothingIsWrittenBeforeTheFirstUpdate) {
  FakeStore store;
  CheckpointPublisher publisher(store.Writer(), kShortInterval);
  // Twenty intervals pass without anything to write.
  EXPECT_FALSE(store.WaitForCalls(1, 20 * kShortInterval));
  EXPECT_TRUE(publisher.Flush().ok());
  EXPECT_EQ(store.calls(), 0u);
  EXPECT_TRUE(publisher.error().ok());
}

TEST(CheckpointPublisherTest, BackgroundThreadWritesAnUpdateWithinTheInterval) {
  FakeStore store;
  CheckpointPublisher publisher(store.Writer(), kShortInterval);
  publisher.Update(At(4242));
  ASSERT_TRUE(store.WaitForCalls(1, kDeadline));
  const std::vector<storage::Checkpoint> written = store.written();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].shard, "10.0.0.1:6379");
  EXPECT_EQ(written[0].replid, "8f1c0e7f3a3d4b6c9e2a1b0c7d6e5f4a3b2c1d0e");
  EXPECT_EQ(written[0].offset, 4242);
  EXPECT_EQ(written[0].epoch, 3);
  EXPECT_EQ(written[0].db, 2);
  EXPECT_TRUE(publisher.error().ok());
}

TEST(CheckpointPublisherTest, BackgroundThreadDoesNotRewriteAStoredCheckpoint) {
  FakeStore store;
  CheckpointPublisher publisher(store.Writer(), kShortInterval);
  publisher.Update(At(1));
  ASSERT_TRUE(store.WaitForCalls(1, kDeadline));
  EXPECT_FALSE(store.WaitForCalls(2, 20 * kShortInterval));
  publisher.Update(At(2));
  ASSERT_TRUE(store.WaitForCalls(2, kDeadline));
  EXPECT_EQ(store.offsets(), (std::vector<int64_t>{1, 2}));
}

TEST(CheckpointPublisherTest, OnlyTheLatestOfSeveralUpdatesIsWritten) {
  FakeStore store;
  CheckpointPublisher publisher(store.Writer(), kLongInterval);
  publisher.Update(At(100));
  publisher.Update(At(200));
  publisher.Update(At(300));
  EXPECT_EQ(store.calls(), 0u);
  ASSERT_TRUE(publisher.Flush().ok());
  EXPECT_EQ(store.offsets(), (std::vector<int64_t>{300}));
}

TEST(CheckpointPublisherTest, FlushWritesAtOnceAndASecondFlushWritesNothing) {
  FakeStore store;
  CheckpointPublisher publisher(store.Writer(), kLongInterval);
  publisher.Update(At(10));
  ASSERT_TRUE(publisher.Flush().ok());
  EXPECT_EQ(store.calls(), 1u);
  ASSERT_TRUE(publisher.Flush().ok());
  EXPECT_EQ(store.calls(), 1u);
  publisher.Update(At(20));
  ASSERT_TRUE(publisher.Flush().ok());
  EXPECT_EQ(store.offsets(), (std::vector<int64_t>{10, 20}));
}

TEST(CheckpointPublisherTest, FailedFlushIsStickyAndStopsWriting) {
  FakeStore store;
  store.FailWith(absl::AbortedError("lease lost"));
  CheckpointPublisher publisher(store.Writer(), kLongInterval);
  publisher.Update(At(1));
  const absl::Status first = publisher.Flush();
  EXPECT_EQ(first.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(first.message(), "lease lost");
  EXPECT_EQ(publisher.error(), first);
  EXPECT_EQ(store.calls(), 1u);

  store.FailWith(absl::OkStatus());  // the store would accept writes again: the publisher must not
  publisher.Update(At(2));
  EXPECT_EQ(publisher.Flush(), first);
  EXPECT_EQ(publisher.Flush(), first);
  EXPECT_EQ(publisher.error(), first);
  EXPECT_EQ(store.calls(), 1u);
  EXPECT_TRUE(store.written().empty());
}

TEST(CheckpointPublisherTest, TransientFailureIsRetriedByTheNextTick) {
  FakeStore store;
  store.FailWith(absl::UnavailableError("connection reset"));
  CheckpointPublisher publisher(store.Writer(), kShortInterval);
  publisher.Update(At(1));
  ASSERT_TRUE(store.WaitForCalls(2, kDeadline));  // retried, not given up
  EXPECT_TRUE(publisher.error().ok());
  store.FailWith(absl::OkStatus());  // the database is back
  const absl::Time deadline = absl::Now() + kDeadline;
  while (store.written().empty() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_EQ(store.offsets(), (std::vector<int64_t>{1}));
  EXPECT_TRUE(publisher.error().ok());
}

TEST(CheckpointPublisherTest, TransientFailureIsReportedByFlushAndRetried) {
  FakeStore store;
  store.FailWith(absl::UnavailableError("connection reset"));
  CheckpointPublisher publisher(store.Writer(), kLongInterval);
  publisher.Update(At(1));
  EXPECT_EQ(publisher.Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(publisher.error().ok());
  store.FailWith(absl::OkStatus());
  EXPECT_TRUE(publisher.Flush().ok());
  EXPECT_EQ(store.offsets(), (std::vector<int64_t>{1}));
}

TEST(CheckpointPublisherTest, FailuresLastingTooLongBecomeFinal) {
  FakeStore store;
  store.FailWith(absl::UnavailableError("connection reset"));
  CheckpointPublisher publisher(store.Writer(), kLongInterval,
                                /*give_up_after=*/absl::ZeroDuration());
  publisher.Update(At(1));
  EXPECT_EQ(publisher.Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(publisher.error().code(), absl::StatusCode::kUnavailable);
  store.FailWith(absl::OkStatus());
  publisher.Update(At(2));
  EXPECT_EQ(publisher.Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(store.written().empty());
}

TEST(CheckpointPublisherTest, DestructorJoinsWithoutWritingWhatIsPending) {
  FakeStore store;
  const absl::Time start = absl::Now();
  {
    CheckpointPublisher publisher(store.Writer(), kLongInterval);
    publisher.Update(At(1));
    ASSERT_TRUE(publisher.Flush().ok());
    publisher.Update(At(2));
  }
  // The destructor wakes the thread instead of waiting out the hour-long interval.
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  EXPECT_EQ(store.offsets(), (std::vector<int64_t>{1}));
}

TEST(CheckpointPublisherTest, RacingUpdatesAndFlushesNeverOverlapWritesOrGoBack) {
  constexpr int kUpdatesPerThread = 2000;
  FakeStore store;
  store.SetWriteDuration(absl::Microseconds(50));
  CheckpointPublisher publisher(store.Writer(), absl::Milliseconds(1));
  // Updates are monotonic across both threads: taking the next offset and publishing it happen
  // under one lock.
  absl::Mutex order_mu;
  int64_t next_offset = 0;
  std::atomic<int> failed_flushes{0};
  auto run = [&] {
    for (int i = 0; i < kUpdatesPerThread; ++i) {
      {
        absl::MutexLock lock(&order_mu);
        publisher.Update(At(++next_offset));
      }
      if (i % 7 == 0 && !publisher.Flush().ok()) ++failed_flushes;
    }
  };
  std::thread first(run);
  std::thread second(run);
  first.join();
  second.join();
  ASSERT_TRUE(publisher.Flush().ok());

  EXPECT_EQ(failed_flushes.load(), 0);
  EXPECT_EQ(store.max_in_flight(), 1);
  const std::vector<int64_t> offsets = store.offsets();
  ASSERT_GT(offsets.size(), 1u);
  for (size_t i = 1; i < offsets.size(); ++i) {
    EXPECT_LT(offsets[i - 1], offsets[i]) << "write " << i;
  }
  EXPECT_EQ(offsets.back(), 2 * kUpdatesPerThread);
}

}  // namespace
}  // namespace rms::worker
