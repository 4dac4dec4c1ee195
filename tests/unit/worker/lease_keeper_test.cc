// Unit tests of the lease rules on a fake clock and store: renew cadence, the watchdog's
// deadline from the send of the last good renewal, stop wins, a lost lease writes nothing more.
#include "services/worker/lease_keeper.h"

#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "tests/unit/worker/fake_worker_store.h"

namespace rms::worker {
namespace {

using testing::Eventually;
using testing::FakeLeaseClock;
using testing::FakeWorkerStore;

storage::TaskRecord Task() {
  storage::TaskRecord task;
  task.id = "t1";
  task.desired_state = "running";
  task.status = task_model::TaskStatus::kIncrMigrating;
  task.lease_epoch = 1;
  return task;
}

class LeaseKeeperTest : public ::testing::Test {
 protected:
  LeaseKeeperTest() : store_(Task()) {
    options_.ttl = absl::Seconds(30);
    options_.stats_interval = absl::Seconds(1);
    options_.tick = absl::Milliseconds(1);
    options_.clock = &clock_;
  }
  std::unique_ptr<LeaseKeeper> Keeper(std::function<std::string()> stats = nullptr) {
    return std::make_unique<LeaseKeeper>(store_, "t1", 1, options_, clock_.Now(), context_,
                                         std::move(stats), nullptr);
  }
  // Advances the fake clock in steps of `step` up to `total`, letting the keeper see each.
  void Advance(absl::Duration total, absl::Duration step = absl::Seconds(1)) {
    for (absl::Duration done; done < total; done += step) {
      clock_.Advance(step);
      absl::SleepFor(absl::Milliseconds(3));
    }
  }

  FakeLeaseClock clock_;
  FakeWorkerStore store_;
  TaskContext context_;
  LeaseOptions options_;
};

TEST(LeaseDeadlineTest, CountsFromTheSendAndNeverMovesBack) {
  const absl::Time t0 = absl::UnixEpoch();
  LeaseDeadline deadline(t0, absl::Seconds(20));
  EXPECT_FALSE(deadline.Expired(t0 + absl::Seconds(19)));
  EXPECT_TRUE(deadline.Expired(t0 + absl::Seconds(20)));
  deadline.Renewed(t0 + absl::Seconds(10));  // sent at 10 s, however late the reply came
  EXPECT_EQ(deadline.deadline(), t0 + absl::Seconds(30));
  deadline.Renewed(t0 + absl::Seconds(5));  // an older send answered late
  EXPECT_EQ(deadline.deadline(), t0 + absl::Seconds(30));
}

TEST_F(LeaseKeeperTest, RenewsEveryThirdOfTheTtlAndKeepsRunning) {
  auto keeper = Keeper();
  keeper->Start();
  Advance(absl::Seconds(10));
  EXPECT_TRUE(Eventually([&] { return store_.renewals() == 1; }));
  Advance(absl::Seconds(50));
  EXPECT_TRUE(Eventually([&] { return store_.renewals() >= 5; }));
  EXPECT_FALSE(context_.cancelled());
  keeper->Stop();
}

TEST_F(LeaseKeeperTest, HangingRenewalStopsTheTaskAtTwoThirdsOfTheTtl) {
  absl::Notification release;
  store_.renew_hook = [&] {
    release.WaitForNotification();
    return absl::OkStatus();
  };
  auto keeper = Keeper();
  keeper->Start();
  Advance(absl::Seconds(19));  // the renewal sent at 10 s hangs
  EXPECT_FALSE(context_.cancelled());
  Advance(absl::Seconds(1));  // 20 s = 2/3 of the TTL after the claim
  ASSERT_TRUE(Eventually([&] { return context_.cancelled(); }));
  EXPECT_TRUE(absl::IsAborted(context_.reason()));
  EXPECT_TRUE(keeper->lease_lost());
  release.Notify();
  keeper->Stop();
}

TEST_F(LeaseKeeperTest, FailingRenewalsStopTheTaskBeforeTheLeaseLapses) {
  store_.renew_hook = [] { return absl::UnavailableError("database unreachable"); };
  auto keeper = Keeper([] { return std::string("{}"); });
  keeper->Start();
  Advance(absl::Seconds(19));
  EXPECT_FALSE(context_.cancelled());
  Advance(absl::Seconds(1));
  ASSERT_TRUE(Eventually([&] { return keeper->lease_lost(); }));
  const size_t writes = store_.writes().size();
  Advance(absl::Seconds(10));  // a lost lease writes nothing more, stats included
  keeper->Stop();
  EXPECT_EQ(store_.writes().size(), writes);
}

TEST_F(LeaseKeeperTest, TakeoverSeenAtRenewalLosesTheLeaseAtOnce) {
  auto keeper = Keeper();
  keeper->Start();
  store_.TakeOver();
  Advance(absl::Seconds(10));
  ASSERT_TRUE(Eventually([&] { return keeper->lease_lost() && context_.cancelled(); }));
  EXPECT_TRUE(absl::IsAborted(context_.reason()));
  keeper->Stop();
}

TEST_F(LeaseKeeperTest, OperatorStopCancelsWithCancelled) {
  auto keeper = Keeper();
  keeper->Start();
  store_.SetDesiredState("stopped");
  Advance(absl::Seconds(10));
  ASSERT_TRUE(Eventually([&] { return context_.cancelled(); }));
  EXPECT_TRUE(absl::IsCancelled(context_.reason()));
  EXPECT_TRUE(keeper->stop_requested());
  EXPECT_FALSE(keeper->lease_lost());
  keeper->Stop();
}

TEST_F(LeaseKeeperTest, SlowStatsDoNotDelayTheRenewal) {
  absl::Notification release;
  auto keeper = Keeper([&] {
    release.WaitForNotification();  // a probe of a peer that answers one byte at a time
    return std::string("{}");
  });
  keeper->Start();
  Advance(absl::Seconds(60));
  EXPECT_TRUE(Eventually([&] { return store_.renewals() >= 5; }));
  EXPECT_FALSE(context_.cancelled());
  release.Notify();
  keeper->Stop();
}

}  // namespace
}  // namespace rms::worker
