// Claim fairness against real PostgreSQL: round-robin by project (fewest live leases first,
// then the task waiting longest) and the per-project cap under concurrent claimers.
#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/pg_worker_store.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

class PgClaimFairnessTest : public PgStoreTest {
 protected:
  // `count` claimable tasks of `project`, created one after the other (older first).
  void Queue(const std::string& project, int count) {
    for (int i = 0; i < count; ++i) {
      TaskRecord task = MakeTask(absl::StrCat(project, "-t", i));
      task.project_id = project;
      task.status = task_model::TaskStatus::kMigrating;
      task.desired_state = "running";
      ASSERT_TRUE(store_->CreateTask(task, TaskEvent{}).ok());
    }
  }
  // Claims one task with `store`; "" when nothing was claimable.
  static std::string Claim(PgWorkerStore& store, const std::string& owner) {
    auto claim = store.ClaimTask(owner, absl::Seconds(60));
    EXPECT_TRUE(claim.ok()) << claim.status();
    return claim.ok() && claim->has_value() ? (*claim)->project_id + "/" + (*claim)->id : "";
  }
};

TEST_F(PgClaimFairnessTest, ClaimsInterleaveProjectsThenTakeTheOldestTask) {
  // Project a queued its five tasks first: a FIFO claim order would give it the first five.
  Queue("a", 5);
  Queue("b", 3);
  Queue("c", 2);
  PgWorkerStore workers(store_->pool());
  std::vector<std::string> order;
  for (int i = 0; i < 10; ++i) order.push_back(Claim(workers, "w"));
  EXPECT_EQ(order, (std::vector<std::string>{"a/a-t0", "b/b-t0", "c/c-t0", "a/a-t1", "b/b-t1",
                                             "c/c-t1", "a/a-t2", "b/b-t2", "a/a-t3", "a/a-t4"}));
  EXPECT_EQ(Claim(workers, "w"), "");
}

TEST_F(PgClaimFairnessTest, ProjectHoldingFewerLeasesGoesFirst) {
  Queue("busy", 4);
  PgWorkerStore workers(store_->pool());
  ASSERT_EQ(Claim(workers, "w"), "busy/busy-t0");
  ASSERT_EQ(Claim(workers, "w"), "busy/busy-t1");
  Queue("quiet", 2);  // newer tasks, but its project runs nothing yet
  EXPECT_EQ(Claim(workers, "w"), "quiet/quiet-t0");
  EXPECT_EQ(Claim(workers, "w"), "quiet/quiet-t1");
  EXPECT_EQ(Claim(workers, "w"), "busy/busy-t2");
}

TEST_F(PgClaimFairnessTest, CapSkipsAProjectAtItsLimit) {
  Queue("a", 4);
  Queue("b", 1);
  PgWorkerStore workers(store_->pool(), ClaimPolicy{2});
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) order.push_back(Claim(workers, "w"));
  EXPECT_EQ(order, (std::vector<std::string>{"a/a-t0", "b/b-t0", "a/a-t1", ""}));
  // A released lease makes room for the next task of the project.
  auto held = store_->GetTask("a", "a-t0");
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(workers.ReleaseLease("a-t0", held->lease_epoch).ok());
  EXPECT_EQ(Claim(workers, "w"), "a/a-t0");  // released, so claimable again and the oldest
  EXPECT_EQ(Claim(workers, "w"), "");
}

TEST_F(PgClaimFairnessTest, CapHoldsUnderConcurrentClaimers) {
  constexpr int kCap = 3, kClaimers = 8;
  Queue("a", 10);
  Queue("b", 10);
  Queue("c", 2);
  std::mutex mu;
  std::map<std::string, int> per_project;
  int claimed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kClaimers; ++t) {
    threads.emplace_back([&, t] {
      // Each claimer is a worker process of its own: its own connection and store.
      auto pool = PgPool::Create(db_url(), 1);
      ASSERT_TRUE(pool.ok()) << pool.status();
      PgWorkerStore workers(**pool, ClaimPolicy{kCap});
      for (int i = 0; i < 4; ++i) {
        std::string got = Claim(workers, absl::StrCat("w", t));
        if (got.empty()) continue;
        std::lock_guard<std::mutex> lock(mu);
        ++per_project[got.substr(0, got.find('/'))];
        ++claimed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(per_project["a"], kCap);
  EXPECT_EQ(per_project["b"], kCap);
  EXPECT_EQ(per_project["c"], 2);
  EXPECT_EQ(claimed, kCap + kCap + 2);
}

TEST_F(PgClaimFairnessTest, StoppingTaskIsClaimedEvenWhenItsProjectIsAtTheCap) {
  Queue("a", 2);
  PgWorkerStore workers(store_->pool(), ClaimPolicy{1});
  ASSERT_EQ(Claim(workers, "w"), "a/a-t0");
  // a-t1 is being stopped and its worker died: it must still be finished off.
  ASSERT_TRUE(store_
                  ->UpdateTask("a", "a-t1",
                               [](TaskRecord& task, TaskEvent&) {
                                 task.status = task_model::TaskStatus::kTerminating;
                                 task.desired_state = "stopped";
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_EQ(Claim(workers, "w"), "a/a-t1");
}

}  // namespace
}  // namespace rms::storage
