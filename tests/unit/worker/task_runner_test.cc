// Unit tests of TaskRunner on a fake store and clock: outcomes, stop wins, a lost lease writes
// nothing more, a shutdown releases the task for resumption.
#include "services/worker/task_runner.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/algorithm/container.h"
#include "services/worker/failure_code.h"
#include "tests/unit/worker/fake_worker_store.h"

namespace rms::worker {
namespace {

using testing::Eventually;
using testing::FakeLeaseClock;
using testing::FakeWorkerStore;

using task_model::TaskStatus;

// With an `outcome`: moves to FULLMIGRATING and returns it. Without: moves to INCRMIGEATING,
// runs until cancelled, then tries one more transition (which a lost lease must refuse).
class FakeJob final : public MigrationJob {
 public:
  explicit FakeJob(std::optional<absl::Status> outcome) : outcome_(std::move(outcome)) {}
  absl::Status Run(TaskContext& context, const JobReporter& reporter) override {
    if (outcome_) {
      (void)reporter.transition(TaskStatus::kFullMigrating, "FULL", "copying");
      return *outcome_;
    }
    (void)reporter.transition(TaskStatus::kIncrMigrating, "INCREMENTAL", "streaming");
    while (!context.cancelled()) context.SleepUnlessCancelled(absl::Seconds(1));
    (void)reporter.transition(TaskStatus::kIncrMigrating, "LATE", "written after the cancel");
    reporter.log("info", "LATE", "written after the cancel");
    return context.reason();
  }
  std::string StatsJson() const override { return "{}"; }

 private:
  std::optional<absl::Status> outcome_;
};

// Runs `script` as its Run.
class ScriptedJob final : public MigrationJob {
 public:
  using Script = std::function<absl::Status(TaskContext&, const JobReporter&)>;
  explicit ScriptedJob(Script script) : script_(std::move(script)) {}
  absl::Status Run(TaskContext& context, const JobReporter& reporter) override {
    return script_(context, reporter);
  }
  std::string StatsJson() const override { return "{}"; }

 private:
  Script script_;
};

class TaskRunnerTest : public ::testing::Test {
 protected:
  TaskRunnerTest() : store_(Task()) {
    options_.ttl = absl::Seconds(30);
    options_.stats_interval = absl::Hours(1);  // only the final stats
    options_.tick = absl::Milliseconds(1);
    options_.clock = &clock_;
  }
  static storage::TaskRecord Task() {
    storage::TaskRecord task;
    task.id = "t1";
    task.desired_state = "running";
    task.status = TaskStatus::kMigrating;
    return task;
  }
  // Claims the task and runs it on a thread with a job that ends with `outcome`.
  void Start(std::optional<absl::Status> outcome) {
    StartWith(
        [outcome](const storage::TaskRecord&) -> absl::StatusOr<std::unique_ptr<MigrationJob>> {
          return std::make_unique<FakeJob>(outcome);
        });
  }
  void StartScript(ScriptedJob::Script script) {
    StartWith(
        [script](const storage::TaskRecord&) -> absl::StatusOr<std::unique_ptr<MigrationJob>> {
          return std::make_unique<ScriptedJob>(script);
        });
  }
  void StartWith(JobFactory jobs) {
    jobs_ = std::move(jobs);
    runner_ = std::make_unique<TaskRunner>(store_, jobs_, options_);
    const absl::Time sent = clock_.Now();
    storage::TaskRecord claimed = **store_.ClaimTask("w/0", options_.ttl);
    thread_ = std::thread([this, claimed, sent] { runner_->Run(claimed, shutdown_, sent); });
  }
  void Join() { thread_.join(); }
  void Advance(absl::Duration total) {
    for (absl::Duration done; done < total; done += absl::Seconds(1)) {
      clock_.Advance(absl::Seconds(1));
      absl::SleepFor(absl::Milliseconds(3));
    }
  }
  bool Wrote(const std::string& write) { return absl::c_linear_search(store_.writes(), write); }

  FakeLeaseClock clock_;
  FakeWorkerStore store_;
  LeaseOptions options_;
  JobFactory jobs_;
  TaskContext shutdown_;
  std::unique_ptr<TaskRunner> runner_;
  std::thread thread_;
};

TEST_F(TaskRunnerTest, SuccessfulJobEndsInSuccessAndReleasesTheLease) {
  Start(absl::OkStatus());
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kSuccess);
  EXPECT_TRUE(Wrote("ReleaseLease"));
}

TEST_F(TaskRunnerTest, FailedJobEndsInMigrationFailed) {
  Start(absl::UnavailableError("source unreachable"));
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kMigrationFailed);
  EXPECT_EQ(store_.task().error, "source unreachable");
}

TEST_F(TaskRunnerTest, OperatorStopWinsOverTheJob) {
  Start(std::nullopt);
  ASSERT_TRUE(Eventually([&] { return store_.task().status == TaskStatus::kIncrMigrating; }));
  store_.SetDesiredState("stopped");
  Advance(absl::Seconds(10));
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kTerminated);
}

TEST_F(TaskRunnerTest, LeaseNotRenewedInTimeWritesNothingMore) {
  store_.renew_hook = [] { return absl::UnavailableError("database unreachable"); };
  Start(std::nullopt);
  ASSERT_TRUE(Eventually([&] { return store_.task().status == TaskStatus::kIncrMigrating; }));
  const std::vector<std::string> before = store_.writes();
  Advance(absl::Seconds(20));
  Join();
  // Neither the late transition, nor the log, nor final stats, nor an outcome, nor a release:
  // the lease may be another worker's by now.
  EXPECT_EQ(store_.writes(), before);
  EXPECT_EQ(store_.task().status, TaskStatus::kIncrMigrating);
}

TEST_F(TaskRunnerTest, ShutdownKeepsTheStatusAndReleasesForResumption) {
  Start(std::nullopt);
  ASSERT_TRUE(Eventually([&] { return store_.task().status == TaskStatus::kIncrMigrating; }));
  shutdown_.Cancel(absl::CancelledError("worker stopping"));
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kIncrMigrating);
  EXPECT_TRUE(Wrote("ReleaseLease"));
}

TEST_F(TaskRunnerTest, TakeoverLeavesTheTaskToItsNewHolder) {
  Start(std::nullopt);
  ASSERT_TRUE(Eventually([&] { return store_.task().status == TaskStatus::kIncrMigrating; }));
  store_.TakeOver();
  Advance(absl::Seconds(10));
  Join();
  EXPECT_FALSE(Wrote("ReleaseLease"));
  EXPECT_EQ(store_.task().status, TaskStatus::kIncrMigrating);
}

TEST_F(TaskRunnerTest, TheFailureCodeOnTheOutcomeIsTheLogCode) {
  Start(WithFailureCode(absl::FailedPreconditionError("WRONGTYPE for key k"), "TARGET_REJECTED"));
  Join();
  ASSERT_FALSE(store_.transition_events().empty());
  const storage::TaskEvent last = store_.transition_events().back();
  EXPECT_EQ(last.code, "TARGET_REJECTED");
  EXPECT_EQ(last.level, "error");
  EXPECT_EQ(last.to_status, "MIGRATION_FAILED");
}

TEST_F(TaskRunnerTest, AJobThatCannotBeBuiltFailsAsAnInvalidConfig) {
  StartWith([](const storage::TaskRecord&) -> absl::StatusOr<std::unique_ptr<MigrationJob>> {
    return absl::InvalidArgumentError("two source nodes");
  });
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kMigrationFailed);
  EXPECT_EQ(store_.transition_events().back().code, "INVALID_TASK_CONFIG");
}

TEST_F(TaskRunnerTest, AStopBeingDrainedWinsOverTheJobsOutcome) {
  StartScript([this](TaskContext&, const JobReporter& reporter) {
    (void)reporter.transition(TaskStatus::kFullMigrating, "FULL", "copying");
    store_.SetStatus(TaskStatus::kTerminating);  // the API's stop, before the keeper renews
    return absl::UnavailableError("source unreachable");
  });
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kTerminated);
  EXPECT_EQ(store_.transition_events().back().code, "TASK_STOPPED");
  EXPECT_FALSE(Wrote("transition:MIGRATION_FAILED"));
}

TEST_F(TaskRunnerTest, ATransitionTheTableRefusesIsNotWritten) {
  absl::Status moved;
  StartScript([&](TaskContext&, const JobReporter& reporter) {
    (void)reporter.transition(TaskStatus::kIncrMigrating, "INCREMENTAL", "streaming");
    store_.SetStatus(TaskStatus::kTerminated);  // stopped while the lease looked dead
    moved = reporter.transition(TaskStatus::kFullMigrating, "FULL_SYNC_STARTED", "resync");
    return absl::OkStatus();
  });
  Join();
  EXPECT_TRUE(moved.ok()) << moved;  // the job is not failed by it; the keeper stops it
  EXPECT_EQ(store_.task().status, TaskStatus::kTerminated);
  EXPECT_FALSE(Wrote("transition:FULLMIGRATING"));
  EXPECT_FALSE(Wrote("transition:SUCCESS"));
  EXPECT_TRUE(Wrote("ReleaseLease"));
}

TEST_F(TaskRunnerTest, AStopTheApiAlreadyEndedIsNotWrittenAgain) {
  Start(std::nullopt);
  ASSERT_TRUE(Eventually([&] { return store_.task().status == TaskStatus::kIncrMigrating; }));
  store_.SetStatus(TaskStatus::kTerminated);  // the API found no live lease and ended it
  store_.SetDesiredState("stopped");
  Advance(absl::Seconds(10));
  Join();
  EXPECT_EQ(store_.task().status, TaskStatus::kTerminated);
  EXPECT_FALSE(Wrote("transition:TERMINATED"));
  EXPECT_TRUE(Wrote("ReleaseLease"));
}

TEST_F(TaskRunnerTest, ATaskClaimedWhileTerminatingEndsWithoutRunningItsJob) {
  store_.SetStatus(TaskStatus::kTerminating);
  bool built = false;
  StartWith([&](const storage::TaskRecord&) -> absl::StatusOr<std::unique_ptr<MigrationJob>> {
    built = true;
    return std::make_unique<FakeJob>(absl::OkStatus());
  });
  Join();
  EXPECT_FALSE(built);
  EXPECT_EQ(store_.task().status, TaskStatus::kTerminated);
}

}  // namespace
}  // namespace rms::worker
