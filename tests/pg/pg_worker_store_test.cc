// PgWorkerStore against real PostgreSQL: claims, leases, fencing, takeover, checkpoints, NOTIFY.
#include "storage/pg_worker_store.h"

#include <thread>

#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

class PgWorkerStoreTest : public PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    workers_ = std::make_unique<PgWorkerStore>(store_->pool());
  }
  // A task an operator configured: claimable.
  void CreateClaimable(const std::string& id) {
    TaskRecord task = MakeTask(id);
    task.status = task_model::TaskStatus::kMigrating;
    task.desired_state = "running";
    ASSERT_TRUE(store_->CreateTask(task, TaskEvent{}).ok());
  }
  std::unique_ptr<PgWorkerStore> workers_;
};

TEST_F(PgWorkerStoreTest, TargetEmptyAtFirstSyncIsStoredAndReadByTheNextClaim) {
  CreateClaimable("t1");
  auto first = workers_->ClaimTask("worker-a", absl::Seconds(30));
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_FALSE((*first)->target_empty_at_first_sync.has_value());
  ASSERT_TRUE(workers_
                  ->UpdateLeasedTask("t1", 1,
                                     [](TaskRecord& row, TaskEvent&) {
                                       row.target_empty_at_first_sync = true;
                                       return absl::OkStatus();
                                     })
                  .ok());
  ASSERT_TRUE(workers_->ReleaseLease("t1", 1).ok());
  auto second = workers_->ClaimTask("worker-b", absl::Seconds(30));
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->target_empty_at_first_sync, true);
  // A new configuration forgets it (the API resets the field).
  auto reset = store_->UpdateTask("p1", "t1", [](TaskRecord& row, TaskEvent&) {
    row.target_empty_at_first_sync.reset();
    return absl::OkStatus();
  });
  ASSERT_TRUE(reset.ok()) << reset.status();
  EXPECT_FALSE(reset->target_empty_at_first_sync.has_value());
}

TEST_F(PgWorkerStoreTest, ClaimTakesOneClaimableTaskOnce) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("idle"), TaskEvent{}).ok());  // RUNNING: not claimable
  CreateClaimable("t1");
  auto first = workers_->ClaimTask("worker-a", absl::Seconds(30));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->id, "t1");
  EXPECT_EQ((*first)->lease_owner, "worker-a");
  EXPECT_EQ((*first)->lease_epoch, 1);
  auto second = workers_->ClaimTask("worker-b", absl::Seconds(30));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
}

TEST_F(PgWorkerStoreTest, ExpiredLeaseIsTakenOverAndTheOldEpochIsFenced) {
  CreateClaimable("t1");
  auto first = workers_->ClaimTask("worker-a", absl::Milliseconds(100));
  ASSERT_TRUE(first.ok() && first->has_value());
  std::optional<TaskRecord> taken;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto claim = workers_->ClaimTask("worker-b", absl::Seconds(30));
        if (claim.ok() && claim->has_value()) taken = **claim;
        return taken.has_value();
      },
      absl::Seconds(5)));
  EXPECT_EQ(taken->lease_owner, "worker-b");
  EXPECT_EQ(taken->lease_epoch, 2);
  // The presumed-dead worker can no longer write anything.
  EXPECT_TRUE(absl::IsAborted(workers_->RenewLease("t1", 1, absl::Seconds(30)).status()));
  EXPECT_TRUE(absl::IsAborted(workers_->WriteStats("t1", 1, "{}")));
  EXPECT_TRUE(absl::IsAborted(workers_->WriteCheckpoint("t1", 1, Checkpoint{"", "r", 5, 1})));
  EXPECT_TRUE(absl::IsAborted(workers_->AddEvent("t1", 1, MakeEvent("X"))));
  auto update = workers_->UpdateLeasedTask("t1", 1, [](TaskRecord& t, TaskEvent&) {
    t.status = task_model::TaskStatus::kSuccess;
    return absl::OkStatus();
  });
  EXPECT_TRUE(absl::IsAborted(update.status()));
  auto row = store_->GetTask("p1", "t1");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->status, task_model::TaskStatus::kMigrating);
  // The new holder can.
  EXPECT_TRUE(workers_->RenewLease("t1", 2, absl::Seconds(30)).ok());
  EXPECT_TRUE(workers_->WriteStats("t1", 2, R"({"offset":"7"})").ok());
}

TEST_F(PgWorkerStoreTest, CheckpointsAreUpsertedPerShardAndCleared) {
  CreateClaimable("t1");
  auto claim = workers_->ClaimTask("w", absl::Seconds(30));
  ASSERT_TRUE(claim.ok() && claim->has_value());
  ASSERT_TRUE(workers_->WriteCheckpoint("t1", 1, Checkpoint{"", "replid-a", 100, 0}).ok());
  ASSERT_TRUE(workers_->WriteCheckpoint("t1", 1, Checkpoint{"", "replid-a", 250, 0}).ok());
  ASSERT_TRUE(workers_->WriteCheckpoint("t1", 1, Checkpoint{"n2", "replid-b", 9, 0}).ok());
  auto checkpoints = workers_->ReadCheckpoints("t1");
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 2u);
  EXPECT_EQ((*checkpoints)[0].offset, 250);
  EXPECT_EQ((*checkpoints)[0].epoch, 1);
  EXPECT_EQ((*checkpoints)[1].replid, "replid-b");
  ASSERT_TRUE(workers_->ClearCheckpoints("t1", 1).ok());
  EXPECT_TRUE(workers_->ReadCheckpoints("t1")->empty());
}

TEST_F(PgWorkerStoreTest, CheckpointKeepsItsDbAndSkipOffsets) {
  CreateClaimable("t1");
  auto claim = workers_->ClaimTask("w", absl::Seconds(30));
  ASSERT_TRUE(claim.ok() && claim->has_value());
  Checkpoint checkpoint{"", "replid-a", 100, 1, 3, {120, 4000000000000}};
  ASSERT_TRUE(workers_->WriteCheckpoint("t1", 1, checkpoint).ok());
  auto read = workers_->ReadCheckpoints("t1");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].db, 3);
  EXPECT_EQ((*read)[0].skip_offsets, (std::vector<int64_t>{120, 4000000000000}));
  checkpoint.offset = 130;
  checkpoint.skip_offsets.clear();  // passed: the next checkpoint carries none
  ASSERT_TRUE(workers_->WriteCheckpoint("t1", 1, checkpoint).ok());
  read = workers_->ReadCheckpoints("t1");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)[0].skip_offsets.empty());
  EXPECT_EQ((*read)[0].offset, 130);
}

TEST_F(PgWorkerStoreTest, LeasedUpdatesAndRelease) {
  CreateClaimable("t1");
  ASSERT_TRUE(workers_->ClaimTask("w", absl::Seconds(30)).ok());
  auto updated = workers_->UpdateLeasedTask("t1", 1, [](TaskRecord& t, TaskEvent& e) {
    e.code = "FULL_SYNC_STARTED";
    e.from_status = std::string(task_model::ToDcsString(t.status));
    t.status = task_model::TaskStatus::kFullMigrating;
    e.to_status = std::string(task_model::ToDcsString(t.status));
    return absl::OkStatus();
  });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->status, task_model::TaskStatus::kFullMigrating);
  EXPECT_EQ(updated->lease_owner, "w");
  ASSERT_TRUE(workers_->ReleaseLease("t1", 1).ok());
  auto row = store_->GetTask("p1", "t1");
  EXPECT_EQ(row->lease_owner, "");
  auto events = store_->ListEvents("t1", "", 0, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->rows.back().code, "FULL_SYNC_STARTED");
  // Released and still wanted running: claimable again (a worker shutting down hands it over).
  auto again = workers_->ClaimTask("w2", absl::Seconds(30));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->lease_epoch, 2);
}

TEST_F(PgWorkerStoreTest, StoppingTaskOfADeadWorkerIsClaimable) {
  TaskRecord task = MakeTask("t1");
  task.status = task_model::TaskStatus::kTerminating;
  task.desired_state = "stopped";
  ASSERT_TRUE(store_->CreateTask(task, TaskEvent{}).ok());
  auto claim = workers_->ClaimTask("w", absl::Seconds(30));
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->status, task_model::TaskStatus::kTerminating);
}

TEST_F(PgWorkerStoreTest, NotifierWakesOnClaimableUpdate) {
  auto notifier = PgTaskNotifier::Open(db_url());
  ASSERT_TRUE(notifier.ok()) << notifier.status();
  auto quiet = (*notifier)->Wait(absl::Milliseconds(50));
  ASSERT_TRUE(quiet.ok());
  EXPECT_FALSE(*quiet);
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), TaskEvent{}).ok());
  ASSERT_TRUE(store_
                  ->UpdateTask("p1", "t1",
                               [](TaskRecord& t, TaskEvent&) {
                                 t.status = task_model::TaskStatus::kMigrating;
                                 t.desired_state = "running";
                                 return absl::OkStatus();
                               })
                  .ok());
  bool woke = false;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto got = (*notifier)->Wait(absl::Milliseconds(200));
        woke = got.ok() && *got;
        return woke;
      },
      absl::Seconds(5)));
}

}  // namespace
}  // namespace rms::storage
