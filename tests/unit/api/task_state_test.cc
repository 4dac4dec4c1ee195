// Unit tests of the task state machine (no storage).
#include "services/api/task_state.h"

#include <gtest/gtest.h>

#include "services/common/errors.h"

namespace rms::api {
namespace {

storage::TaskRecord TaskIn(absl::string_view status) {
  storage::TaskRecord task;
  task.id = "t1";
  task.status = std::string(status);
  return task;
}

TEST(TaskStateTest, ConfigureMakesTheTaskClaimable) {
  storage::TaskRecord task = TaskIn(kRunning);
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyConfigure(task, event).ok());
  EXPECT_EQ(task.status, kMigrating);
  EXPECT_EQ(task.desired_state, kWantRunning);
  EXPECT_EQ(event.from_status, kRunning);
  EXPECT_EQ(event.to_status, kMigrating);
  EXPECT_EQ(event.code, "TASK_CONFIGURED");
}

TEST(TaskStateTest, ConfigureRefusedWhileMigrating) {
  for (absl::string_view status : {kMigrating, kFullMigrating, kIncrMigrating, kTerminating,
                                   kDeleted}) {
    storage::TaskRecord task = TaskIn(status);
    storage::TaskEvent event;
    absl::Status s = ApplyConfigure(task, event);
    EXPECT_EQ(errors::DcsCodeOf(s), "DCS.4134") << status;
    EXPECT_NE(s.message().find(std::string(status)), absl::string_view::npos);
    EXPECT_EQ(task.status, status);
  }
}

TEST(TaskStateTest, StopWaitsForALiveWorkerOnly) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  storage::TaskRecord unclaimed = TaskIn(kMigrating);
  storage::TaskEvent event;
  ASSERT_TRUE(ApplyStop(unclaimed, event, now).ok());
  EXPECT_EQ(unclaimed.status, kTerminated);

  storage::TaskRecord claimed = TaskIn(kIncrMigrating);
  claimed.lease_owner = "worker-1";
  claimed.lease_expires_at = now + absl::Seconds(10);
  ASSERT_TRUE(ApplyStop(claimed, event, now).ok());
  EXPECT_EQ(claimed.status, kTerminating);
  EXPECT_EQ(claimed.desired_state, kWantStopped);

  storage::TaskRecord expired = TaskIn(kFullMigrating);
  expired.lease_owner = "worker-dead";
  expired.lease_expires_at = now - absl::Seconds(1);
  ASSERT_TRUE(ApplyStop(expired, event, now).ok());
  EXPECT_EQ(expired.status, kTerminated);

  storage::TaskRecord created = TaskIn(kRunning);
  EXPECT_EQ(errors::DcsCodeOf(ApplyStop(created, event, now)), "DCS.4134");
}

TEST(TaskStateTest, RestartOnlyFromStoppedOrFailed) {
  storage::TaskEvent event;
  for (absl::string_view ok : {kTerminated, kMigrationFailed, kFailed}) {
    storage::TaskRecord task = TaskIn(ok);
    task.error = "source unreachable";
    ASSERT_TRUE(ApplyRestart(task, event).ok()) << ok;
    EXPECT_EQ(task.status, kMigrating);
    EXPECT_TRUE(task.error.empty());
  }
  storage::TaskRecord running = TaskIn(kIncrMigrating);
  EXPECT_EQ(errors::DcsCodeOf(ApplyRestart(running, event)), "DCS.4134");
}

TEST(TaskStateTest, DeleteRefusesActiveTasks) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  storage::TaskEvent event;
  for (absl::string_view active : {kMigrating, kFullMigrating, kIncrMigrating, kTerminating}) {
    storage::TaskRecord task = TaskIn(active);
    EXPECT_EQ(errors::DcsCodeOf(ApplyDelete(task, event, now)), "DCS.4135") << active;
  }
  storage::TaskRecord stopped = TaskIn(kTerminated);
  ASSERT_TRUE(ApplyDelete(stopped, event, now).ok());
  EXPECT_EQ(stopped.status, kDeleted);
  EXPECT_EQ(stopped.released_at, now);
}

}  // namespace
}  // namespace rms::api
