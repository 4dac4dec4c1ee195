// Unit tests of ResumePoint on the fake store: a job resumes from its source's checkpoint.
#include "services/worker/resume_point.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/fake_worker_store.h"

namespace rms::worker {
namespace {

using testing::FakeWorkerStore;

storage::TaskRecord Claimed() {
  storage::TaskRecord task;
  task.id = "t1";
  task.lease_epoch = 2;
  return task;
}

TEST(ResumePointTest, ResumesFromTheCheckpointOfItsSource) {
  FakeWorkerStore store(Claimed());
  ASSERT_TRUE(
      store.WriteCheckpoint("t1", 2, {"10.0.0.1:6379", "replid-a", 1234, 2, 3, {1240, 1250}}).ok());
  std::optional<ResumePoint> point = LoadResumePoint(store, "t1", "10.0.0.1:6379");
  ASSERT_TRUE(point.has_value());
  EXPECT_EQ(point->replid, "replid-a");
  EXPECT_EQ(point->applied, 1234);
  EXPECT_EQ(point->db, 3);
  EXPECT_EQ(point->skip_offsets, (std::vector<int64_t>{1240, 1250}));
  EXPECT_TRUE(point->synced_once);
}

TEST(ResumePointTest, ACheckpointOfAnotherSourceIsNotAResumePoint) {
  FakeWorkerStore store(Claimed());
  ASSERT_TRUE(store.WriteCheckpoint("t1", 2, {"10.0.0.9:6379", "replid-a", 1234, 2, 0, {}}).ok());
  EXPECT_FALSE(LoadResumePoint(store, "t1", "10.0.0.1:6379").has_value());
  FakeWorkerStore empty(Claimed());
  EXPECT_FALSE(LoadResumePoint(empty, "t1", "10.0.0.1:6379").has_value());
}

TEST(ResumePointTest, ANewHistoryStartsAfterTheSnapshot) {
  ResumePoint point{"old", 900, 5, {950}, true};
  point.StartHistory("new", 40);
  const storage::Checkpoint checkpoint = point.ToCheckpoint("10.0.0.1:6379", 7);
  EXPECT_EQ(checkpoint.replid, "new");
  EXPECT_EQ(checkpoint.offset, 40);
  EXPECT_EQ(checkpoint.db, 0);  // the source starts the stream with a SELECT
  EXPECT_TRUE(checkpoint.skip_offsets.empty());
  EXPECT_EQ(checkpoint.epoch, 7);
  EXPECT_TRUE(point.synced_once);
}

TEST(ResumePointTest, TheStreamsPositionRoundTripsThroughTheStore) {
  FakeWorkerStore store(Claimed());
  ResumePoint point;
  point.StartHistory("replid-a", 100);
  point.Reached({"10.0.0.1:6379", "replid-a", 180, 2, 4, {190}});
  ASSERT_TRUE(store.WriteCheckpoint("t1", 2, point.ToCheckpoint("10.0.0.1:6379", 2)).ok());
  std::optional<ResumePoint> loaded = LoadResumePoint(store, "t1", "10.0.0.1:6379");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->applied, 180);
  EXPECT_EQ(loaded->db, 4);
  EXPECT_EQ(loaded->skip_offsets, (std::vector<int64_t>{190}));
}

}  // namespace
}  // namespace rms::worker
