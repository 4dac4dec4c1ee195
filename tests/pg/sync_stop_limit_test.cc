// sync-stop against real PostgreSQL: at most MigrationApiOptions::max_sync_stop_waits calls park
// a thread; the others request the stop and answer DCS.4134 at once. Slots are given back.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/api/migration_api.h"
#include "services/common/errors.h"
#include "storage/pg_verification_store.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::api {
namespace {

using storage::TaskEvent;
using storage::TaskRecord;

class SyncStopLimitTest : public storage::PgStoreTest {
 protected:
  // A running task whose worker holds a live lease but never drains: a stop leaves it TERMINATING.
  void CreateLeasedTask(const std::string& id) {
    TaskRecord task = MakeTask(id);
    task.status = task_model::TaskStatus::kMigrating;
    task.desired_state = "running";
    task.lease_owner = "stuck-worker";
    task.lease_epoch = 1;
    task.lease_expires_at = absl::Now() + absl::Minutes(10);
    ASSERT_TRUE(store_->CreateTask(task, TaskEvent{}).ok());
  }
  std::unique_ptr<MigrationApi> MakeApi(absl::Duration timeout, int waits) {
    verifications_ = std::make_unique<storage::PgVerificationStore>(store_->pool());
    MigrationApiOptions options;
    options.sync_stop_timeout = timeout;
    options.max_sync_stop_waits = waits;
    return std::make_unique<MigrationApi>(*store_, *store_, *verifications_, box_, options);
  }
  static v1::TaskIdRequest Request(const std::string& id) {
    v1::TaskIdRequest request;
    request.set_project_id("p1");
    request.set_task_id(id);
    return request;
  }
  crypto::SecretBox box_ = crypto::SecretBox::FromKeyForTest(std::string(32, 'k'));
  std::unique_ptr<storage::PgVerificationStore> verifications_;
};

TEST_F(SyncStopLimitTest, CallsBeyondTheLimitAnswerAtOnce) {
  constexpr int kCalls = 7, kWaits = 4;
  const absl::Duration timeout = absl::Seconds(4);
  for (int i = 0; i < kCalls; ++i) CreateLeasedTask(absl::StrCat("t", i));
  std::unique_ptr<MigrationApi> api = MakeApi(timeout, kWaits);
  std::vector<absl::Status> results(kCalls);
  std::vector<absl::Duration> took(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      const absl::Time start = absl::Now();
      results[i] = api->SyncStopTask(Request(absl::StrCat("t", i))).status();
      took[i] = absl::Now() - start;
    });
  }
  for (std::thread& thread : threads) thread.join();
  int waited = 0, refused_at_once = 0;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(errors::DcsCodeOf(results[i]).value_or(""), "DCS.4134") << results[i];
    if (absl::StrContains(results[i].message(), "already waiting")) {
      ++refused_at_once;
      EXPECT_LT(took[i], timeout / 2) << "call " << i;
    } else {
      ++waited;
      EXPECT_GE(took[i], timeout) << "call " << i;
    }
    // Every call requested the stop, waiting or not.
    auto task = store_->GetTask("p1", absl::StrCat("t", i));
    ASSERT_TRUE(task.ok());
    EXPECT_EQ(task->status, task_model::TaskStatus::kTerminating);
    EXPECT_EQ(task->desired_state, "stopped");
  }
  EXPECT_EQ(waited, kWaits);
  EXPECT_EQ(refused_at_once, kCalls - kWaits);
}

TEST_F(SyncStopLimitTest, SlotsAreGivenBackAndAStoppedTaskAnswersOk) {
  CreateLeasedTask("first");
  CreateLeasedTask("second");
  std::unique_ptr<MigrationApi> api = MakeApi(absl::Seconds(30), 1);
  // One short wait that times out frees its slot again.
  std::unique_ptr<MigrationApi> short_api = MakeApi(absl::Milliseconds(50), 1);
  EXPECT_FALSE(short_api->SyncStopTask(Request("first")).ok());
  EXPECT_FALSE(absl::StrContains(short_api->SyncStopTask(Request("first")).status().message(),
                                 "already waiting"));
  // The only slot of `api` waits until the worker finishes the stop.
  std::atomic<bool> done{false};
  absl::Status status = absl::UnknownError("not run");
  std::thread waiter([&] {
    status = api->SyncStopTask(Request("second")).status();
    done = true;
  });
  ASSERT_TRUE(storage::WaitFor(
      [&] {
        auto task = store_->GetTask("p1", "second");
        return task.ok() && task->status == task_model::TaskStatus::kTerminating;
      },
      absl::Seconds(10)));
  ASSERT_TRUE(store_
                  ->UpdateTask("p1", "second",
                               [](TaskRecord& task, TaskEvent&) {
                                 task.status = task_model::TaskStatus::kTerminated;
                                 task.lease_owner.clear();
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_TRUE(storage::WaitFor([&] { return done.load(); }, absl::Seconds(10)));
  waiter.join();
  EXPECT_TRUE(status.ok()) << status;
}

}  // namespace
}  // namespace rms::api
