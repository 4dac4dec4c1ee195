// Unit tests of the task state machine (no storage).
#include "services/api/task_state.h"

#include <gtest/gtest.h>

#include "services/common/errors.h"

namespace rms::api {
namespace {

using S = TaskStatus;

storage::TaskRecord TaskIn(TaskStatus status) {
  storage::TaskRecord task;
  task.id = "t1";
  task.status = status;
  return task;
}

TEST(TaskStateTest, ConfigureMakesTheTaskClaimable) {
  storage::TaskRecord task = TaskIn(S::kRunning);
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyConfigure(task, event).ok());
  EXPECT_EQ(task.status, S::kMigrating);
  EXPECT_EQ(task.desired_state, kWantRunning);
  EXPECT_EQ(event.from_status, "RUNNING");
  EXPECT_EQ(event.to_status, "MIGRATING");
  EXPECT_EQ(event.code, "TASK_CONFIGURED");
}

TEST(TaskStateTest, ConfigureForgetsWhatTheLastFirstSyncFound) {
  storage::TaskRecord task = TaskIn(S::kSuccess);
  task.target_empty_at_first_sync = false;
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyConfigure(task, event).ok());
  EXPECT_FALSE(task.target_empty_at_first_sync.has_value());
}

TEST(TaskStateTest, ConfigureRefusedWhileMigrating) {
  for (TaskStatus status :
       {S::kMigrating, S::kFullMigrating, S::kIncrMigrating, S::kTerminating, S::kDeleted}) {
    storage::TaskRecord task = TaskIn(status);
    storage::TaskEvent event;
    absl::Status s = ApplyConfigure(task, event);
    EXPECT_EQ(errors::DcsCodeOf(s), "DCS.4134") << status;
    EXPECT_NE(s.message().find(std::string(task_model::ToDcsString(status))),
              absl::string_view::npos);
    EXPECT_EQ(task.status, status);
  }
}

TEST(TaskStateTest, StopWaitsForALiveWorkerOnly) {
  storage::TaskRecord unclaimed = TaskIn(S::kMigrating);
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyStop(unclaimed, event).ok());
  EXPECT_EQ(unclaimed.status, S::kTerminated);

  storage::TaskRecord claimed = TaskIn(S::kIncrMigrating);
  claimed.lease_owner = "worker-1";
  claimed.lease_live = true;
  ASSERT_TRUE(ApplyStop(claimed, event).ok());
  EXPECT_EQ(claimed.status, S::kTerminating);
  EXPECT_EQ(claimed.desired_state, kWantStopped);

  storage::TaskRecord created = TaskIn(S::kRunning);
  EXPECT_EQ(errors::DcsCodeOf(ApplyStop(created, event)), "DCS.4134");
}

TEST(TaskStateTest, StopTrustsTheDatabaseClockNotTheExpiryTime) {
  // The expiry looks far ahead to this host, but the database said the lease had expired.
  storage::TaskRecord expired = TaskIn(S::kFullMigrating);
  expired.lease_owner = "worker-dead";
  expired.lease_expires_at = absl::Now() + absl::Hours(1);
  expired.lease_live = false;
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyStop(expired, event).ok());
  EXPECT_EQ(expired.status, S::kTerminated);
}

TEST(TaskStateTest, StopOfAFailedTaskEndsItWhateverItsLease) {
  storage::TaskRecord failed = TaskIn(S::kMigrationFailed);
  failed.lease_owner = "worker-1";
  failed.lease_live = true;
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyStop(failed, event).ok());
  EXPECT_EQ(failed.status, S::kTerminated);
  EXPECT_EQ(event.to_status, "TERMINATED");
}

TEST(TaskStateTest, RestartOnlyFromStoppedOrFailed) {
  storage::TaskEvent event;
  for (TaskStatus ok : {S::kTerminated, S::kMigrationFailed, S::kFailed}) {
    storage::TaskRecord task = TaskIn(ok);
    task.error = "source unreachable";
    ASSERT_TRUE(ApplyRestart(task, event).ok()) << ok;
    EXPECT_EQ(task.status, S::kMigrating);
    EXPECT_TRUE(task.error.empty());
  }
  storage::TaskRecord running = TaskIn(S::kIncrMigrating);
  EXPECT_EQ(errors::DcsCodeOf(ApplyRestart(running, event)), "DCS.4134");
}

TEST(TaskStateTest, DeleteRefusesActiveTasks) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  storage::TaskEvent event;
  for (TaskStatus active : {S::kMigrating, S::kFullMigrating, S::kIncrMigrating, S::kTerminating}) {
    storage::TaskRecord task = TaskIn(active);
    EXPECT_EQ(errors::DcsCodeOf(ApplyDelete(task, event, now)), "DCS.4135") << active;
  }
  storage::TaskRecord stopped = TaskIn(S::kTerminated);
  ASSERT_TRUE(ApplyDelete(stopped, event, now).ok());
  EXPECT_EQ(stopped.status, S::kDeleted);
  EXPECT_EQ(stopped.released_at, now);
}

}  // namespace
}  // namespace rms::api
