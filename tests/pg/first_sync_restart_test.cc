// The worker's FullResyncPolicy over PgWorkerStore: what the first sync found about the target
// survives a worker restart, so the resuming worker decides a full resync the same way.
#include <gtest/gtest.h>

#include "services/worker/failure_code.h"
#include "services/worker/full_resync_policy.h"
#include "storage/pg_worker_store.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

using worker::FailureCodeOf;
using worker::FullResyncPolicy;

class FirstSyncRestartTest : public PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    workers_ = std::make_unique<PgWorkerStore>(store_->pool());
    TaskRecord task = MakeTask("t1");
    task.status = task_model::TaskStatus::kMigrating;
    task.desired_state = "running";
    ASSERT_TRUE(store_->CreateTask(task, TaskEvent{}).ok());
  }
  // Claims the task as `owner`, as a worker does when it starts or restarts.
  TaskRecord Claim(const std::string& owner) {
    absl::StatusOr<std::optional<TaskRecord>> claimed =
        workers_->ClaimTask(owner, absl::Seconds(30));
    EXPECT_TRUE(claimed.ok() && claimed->has_value()) << claimed.status();
    return claimed.ok() && claimed->has_value() ? **claimed : TaskRecord{};
  }
  // The first worker runs the first sync, records what it found, and stops (lease released).
  void FirstWorkerSaw(bool target_empty) {
    const TaskRecord first = Claim("host-a:1/0");
    FullResyncPolicy policy("", first, *workers_);
    ASSERT_FALSE(policy.first_sync_recorded());
    ASSERT_TRUE(policy.RecordFirstSync(target_empty).ok());
    ASSERT_TRUE(workers_->ReleaseLease("t1", first.lease_epoch).ok());
  }
  std::unique_ptr<PgWorkerStore> workers_;
};

TEST_F(FirstSyncRestartTest, AnEmptyTargetStillAllowsAFlushAfterARestart) {
  FirstWorkerSaw(/*target_empty=*/true);
  const TaskRecord resumed = Claim("host-a:2/0");  // the restarted process
  EXPECT_EQ(resumed.lease_epoch, 2);
  FullResyncPolicy policy("", resumed, *workers_);
  EXPECT_TRUE(policy.first_sync_recorded());
  EXPECT_TRUE(policy.AllowFlush(1000).ok());
}

TEST_F(FirstSyncRestartTest, ATargetWithKeysStillRefusesAFlushAfterARestart) {
  FirstWorkerSaw(/*target_empty=*/false);
  const TaskRecord resumed = Claim("host-b:7/1");
  FullResyncPolicy policy("", resumed, *workers_);
  EXPECT_EQ(FailureCodeOf(policy.AllowFlush(1000)), "FULL_RESYNC_REFUSED");
}

TEST_F(FirstSyncRestartTest, AWorkerThatLostItsLeaseCannotRecordIt) {
  const TaskRecord first = Claim("host-a:1/0");
  ASSERT_TRUE(workers_->ReleaseLease("t1", first.lease_epoch).ok());
  const TaskRecord second = Claim("host-b:1/0");
  FullResyncPolicy stale("", first, *workers_);
  EXPECT_TRUE(absl::IsAborted(stale.RecordFirstSync(true)));
  EXPECT_FALSE(store_->GetTask("p1", "t1")->target_empty_at_first_sync.has_value());
  EXPECT_EQ(second.lease_epoch, 2);
}

}  // namespace
}  // namespace rms::storage
