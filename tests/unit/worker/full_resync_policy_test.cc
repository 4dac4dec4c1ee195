// Unit tests of FullResyncPolicy on the fake store: the default flushes only a target that held
// no keys at the task's first sync, the fact is stored in the task row and read on resume.
#include "services/worker/full_resync_policy.h"

#include <gtest/gtest.h>

#include "services/worker/failure_code.h"
#include "tests/unit/worker/fake_worker_store.h"

namespace rms::worker {
namespace {

using testing::FakeWorkerStore;

storage::TaskRecord Claimed(std::optional<bool> target_empty) {
  storage::TaskRecord task;
  task.id = "t1";
  task.status = task_model::TaskStatus::kIncrMigrating;
  task.lease_epoch = 1;
  task.target_empty_at_first_sync = target_empty;
  return task;
}

TEST(FullResyncPolicyTest, DefaultFlushesATargetThatWasEmptyAtTheFirstSync) {
  FakeWorkerStore store(Claimed(std::nullopt));
  FullResyncPolicy policy("", store.task(), store);
  EXPECT_FALSE(policy.first_sync_recorded());
  ASSERT_TRUE(policy.RecordFirstSync(true).ok());
  EXPECT_TRUE(policy.first_sync_recorded());
  EXPECT_EQ(store.task().target_empty_at_first_sync, true);  // stored in the task row
  EXPECT_TRUE(policy.AllowFlush(100).ok());
}

TEST(FullResyncPolicyTest, DefaultRefusesToFlushATargetThatHeldKeys) {
  FakeWorkerStore store(Claimed(std::nullopt));
  FullResyncPolicy policy("", store.task(), store);
  ASSERT_TRUE(policy.RecordFirstSync(false).ok());
  const absl::Status refused = policy.AllowFlush(100);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_EQ(FailureCodeOf(refused), "FULL_RESYNC_REFUSED");
  EXPECT_NE(refused.message().find("held keys at the task's first sync"), absl::string_view::npos);
}

TEST(FullResyncPolicyTest, AResumedJobDecidesWithTheStoredFact) {
  // Another worker ran the first sync and stored the answer; this one resumed the task.
  FakeWorkerStore empty_store(Claimed(true));
  FullResyncPolicy resumed("", empty_store.task(), empty_store);
  EXPECT_TRUE(resumed.first_sync_recorded());
  EXPECT_TRUE(resumed.AllowFlush(100).ok());

  FakeWorkerStore keys_store(Claimed(false));
  FullResyncPolicy refusing("", keys_store.task(), keys_store);
  EXPECT_EQ(FailureCodeOf(refusing.AllowFlush(100)), "FULL_RESYNC_REFUSED");
}

TEST(FullResyncPolicyTest, AnUnmeasuredFirstSyncRefusesToFlush) {
  FakeWorkerStore store(Claimed(std::nullopt));
  FullResyncPolicy policy("", store.task(), store);
  const absl::Status refused = policy.AllowFlush(100);
  EXPECT_EQ(FailureCodeOf(refused), "FULL_RESYNC_REFUSED");
  EXPECT_NE(refused.message().find("was not measured"), absl::string_view::npos) << refused;
}

TEST(FullResyncPolicyTest, AnExplicitPolicyOverridesTheFirstSync) {
  FakeWorkerStore store(Claimed(false));
  EXPECT_TRUE(FullResyncPolicy("flush", store.task(), store).AllowFlush(1).ok());
  FakeWorkerStore empty_store(Claimed(true));
  const absl::Status refused =
      FullResyncPolicy("fail", empty_store.task(), empty_store).AllowFlush(1);
  EXPECT_NE(refused.message().find("full_resync_policy is \"fail\""), absl::string_view::npos);
}

TEST(FullResyncPolicyTest, ALostLeaseStoresNothingButTheJobStillKnows) {
  FakeWorkerStore store(Claimed(std::nullopt));
  FullResyncPolicy policy("", store.task(), store);
  store.TakeOver();
  EXPECT_TRUE(absl::IsAborted(policy.RecordFirstSync(true)));
  EXPECT_FALSE(store.task().target_empty_at_first_sync.has_value());
  EXPECT_TRUE(policy.AllowFlush(1).ok());
}

}  // namespace
}  // namespace rms::worker
