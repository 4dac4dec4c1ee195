// PgVerificationStore against real PostgreSQL: round trip, claims, leases and fencing, takeover
// from zero, cascade with the task, NOTIFY, counts by status.
#include "storage/pg_verification_store.h"

#include <mutex>
#include <pqxx/transaction>
#include <set>
#include <thread>

#include "storage/pg_worker_store.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

class PgVerificationStoreTest : public PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    verifications_ = std::make_unique<PgVerificationStore>(store_->pool());
    ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), TaskEvent{}).ok());
  }
  static VerificationRecord MakeVerification(const std::string& id) {
    VerificationRecord v;
    v.id = id;
    v.task_id = "t1";
    v.project_id = "p1";
    v.mode = "sample";
    v.sample_keys = 42;
    v.ttl_tolerance_s = 3;
    v.max_source_ops_per_s = 500;
    v.status = "RUNNING";
    return v;
  }
  std::unique_ptr<PgVerificationStore> verifications_;
};

TEST_F(PgVerificationStoreTest, CreateThenGetRoundTrips) {
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v1")).ok());
  auto got = verifications_->GetVerification("p1", "t1", "v1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->mode, "sample");
  EXPECT_EQ(got->sample_keys, 42);
  EXPECT_EQ(got->ttl_tolerance_s, 3);
  EXPECT_EQ(got->max_source_ops_per_s, 500);
  EXPECT_EQ(got->status, "RUNNING");
  EXPECT_EQ(got->counts.keys_checked, 0);
  EXPECT_TRUE(got->examples.empty());
  EXPECT_GT(got->created_at, absl::Now() - absl::Minutes(1));
  EXPECT_FALSE(got->finished_at.has_value());
  // Another task, another project or another id: not found.
  EXPECT_TRUE(absl::IsNotFound(verifications_->GetVerification("p2", "t1", "v1").status()));
  EXPECT_TRUE(absl::IsNotFound(verifications_->GetVerification("p1", "t2", "v1").status()));
  EXPECT_TRUE(absl::IsNotFound(verifications_->GetVerification("p1", "t1", "v2").status()));
}

TEST_F(PgVerificationStoreTest, CreateNeedsTheTaskOfTheProject) {
  VerificationRecord v = MakeVerification("v1");
  v.task_id = "no-such-task";
  EXPECT_TRUE(absl::IsNotFound(verifications_->CreateVerification(v)));
  v.task_id = "t1";
  v.project_id = "p2";
  EXPECT_TRUE(absl::IsNotFound(verifications_->CreateVerification(v)));
}

TEST_F(PgVerificationStoreTest, ClaimProgressAndFinish) {
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v1")).ok());
  auto claimed = verifications_->ClaimVerification("w1", absl::Seconds(30));
  ASSERT_TRUE(claimed.ok() && claimed->has_value()) << claimed.status();
  EXPECT_EQ((*claimed)->lease_owner, "w1");
  EXPECT_EQ((*claimed)->lease_epoch, 1);
  auto none = verifications_->ClaimVerification("w2", absl::Seconds(30));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());  // a live lease holds it
  VerificationCounts counts{100, 1, 2, 3, 4, 5};
  std::vector<VerificationExample> examples = {{0, "k\xc3\xa9y", "missing"}, {3, "x", "ttl"}};
  ASSERT_TRUE(
      verifications_->WriteVerificationProgress("v1", 1, counts, examples, absl::Seconds(30)).ok());
  auto running = verifications_->GetVerification("p1", "t1", "v1");
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->status, "RUNNING");
  EXPECT_EQ(running->counts.keys_checked, 100);
  EXPECT_EQ(running->counts.type_mismatch, 5);
  ASSERT_EQ(running->examples.size(), 2u);
  EXPECT_EQ(running->examples[0].key, "k\xc3\xa9y");
  EXPECT_EQ(running->examples[1].db, 3);
  EXPECT_EQ(running->examples[1].problem, "ttl");
  counts.keys_checked = 200;
  ASSERT_TRUE(verifications_->FinishVerification("v1", 1, "DONE", counts, examples, "").ok());
  auto done = verifications_->GetVerification("p1", "t1", "v1");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, "DONE");
  EXPECT_EQ(done->counts.keys_checked, 200);
  EXPECT_TRUE(done->finished_at.has_value());
  EXPECT_EQ(done->lease_owner, "");
  // Finished: never claimed again, and the old holder can write nothing more.
  auto again = verifications_->ClaimVerification("w2", absl::Seconds(30));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_TRUE(absl::IsAborted(
      verifications_->WriteVerificationProgress("v1", 1, counts, {}, absl::Seconds(30))));
  EXPECT_TRUE(absl::IsAborted(verifications_->FinishVerification("v1", 1, "FAILED", {}, {}, "x")));
}

TEST_F(PgVerificationStoreTest, ExpiredLeaseIsTakenOverFromZeroAndTheOldEpochIsFenced) {
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v1")).ok());
  auto first = verifications_->ClaimVerification("w1", absl::Milliseconds(100));
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(verifications_
                  ->WriteVerificationProgress("v1", 1, {50, 1, 0, 0, 0, 0}, {{0, "k", "missing"}},
                                              absl::Milliseconds(100))
                  .ok());
  std::optional<VerificationRecord> taken;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto claim = verifications_->ClaimVerification("w2", absl::Seconds(30));
        if (claim.ok() && claim->has_value()) taken = **claim;
        return taken.has_value();
      },
      absl::Seconds(5)));
  EXPECT_EQ(taken->lease_owner, "w2");
  EXPECT_EQ(taken->lease_epoch, 2);
  EXPECT_EQ(taken->counts.keys_checked, 0);  // starts again
  EXPECT_TRUE(taken->examples.empty());
  EXPECT_TRUE(absl::IsAborted(
      verifications_->WriteVerificationProgress("v1", 1, {}, {}, absl::Seconds(30))));
  EXPECT_TRUE(absl::IsAborted(verifications_->FinishVerification("v1", 1, "DONE", {}, {}, "")));
  EXPECT_TRUE(absl::IsAborted(verifications_->ReleaseVerification("v1", 1)));
  EXPECT_TRUE(verifications_->FinishVerification("v1", 2, "FAILED", {}, {}, "source down").ok());
  EXPECT_EQ(verifications_->GetVerification("p1", "t1", "v1")->error, "source down");
}

TEST_F(PgVerificationStoreTest, ReleasedVerificationIsClaimedAgainAtOnce) {
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v1")).ok());
  auto first = verifications_->ClaimVerification("w1", absl::Seconds(30));
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(verifications_->ReleaseVerification("v1", 1).ok());
  auto second = verifications_->ClaimVerification("w2", absl::Seconds(30));
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->lease_epoch, 2);
}

TEST_F(PgVerificationStoreTest, OldestFirstAndConcurrentClaimersTakeEachOnce) {
  for (int i = 0; i < 6; ++i) {
    VerificationRecord v = MakeVerification("v" + std::to_string(i));
    v.created_at = absl::Now() - absl::Minutes(10 - i);
    ASSERT_TRUE(verifications_->CreateVerification(v).ok());
  }
  auto oldest = verifications_->ClaimVerification("w", absl::Seconds(30));
  ASSERT_TRUE(oldest.ok() && oldest->has_value());
  EXPECT_EQ((*oldest)->id, "v0");
  std::mutex mu;
  std::set<std::string> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (true) {
        auto claim = verifications_->ClaimVerification("w" + std::to_string(t), absl::Seconds(30));
        if (!claim.ok() || !claim->has_value()) return;
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_TRUE(claimed.insert((*claim)->id).second) << (*claim)->id << " claimed twice";
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(claimed.size(), 5u);
}

TEST_F(PgVerificationStoreTest, CountsByStatusAndCascadeWithTheTask) {
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v1")).ok());
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v2")).ok());
  auto claimed = verifications_->ClaimVerification("w", absl::Seconds(30));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_TRUE(verifications_->FinishVerification((*claimed)->id, 1, "DONE", {}, {}, "").ok());
  auto counts = verifications_->CountVerificationsByStatus();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ((*counts)["DONE"], 1);
  EXPECT_EQ((*counts)["RUNNING"], 1);
  // Deleting the task row (a purge) deletes its verifications.
  ASSERT_TRUE(store_->pool()
                  .Run("purge",
                       [](pqxx::connection& c) -> absl::Status {
                         pqxx::work tx(c);
                         tx.exec("DELETE FROM tasks WHERE id = 't1'");
                         tx.commit();
                         return absl::OkStatus();
                       })
                  .ok());
  EXPECT_TRUE(absl::IsNotFound(verifications_->GetVerification("p1", "t1", "v1").status()));
  EXPECT_TRUE(verifications_->CountVerificationsByStatus()->empty());
}

TEST_F(PgVerificationStoreTest, CreateWakesListenersOfTheVerificationChannel) {
  auto notifier = PgTaskNotifier::Open(db_url(), {kTaskChannel, kVerificationChannel});
  ASSERT_TRUE(notifier.ok()) << notifier.status();
  ASSERT_TRUE(verifications_->CreateVerification(MakeVerification("v1")).ok());
  bool woken = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!woken && absl::Now() < deadline) {
    auto notified = (*notifier)->Wait(absl::Milliseconds(200));
    ASSERT_TRUE(notified.ok()) << notified.status();
    woken = *notified;
  }
  EXPECT_TRUE(woken);
}

}  // namespace
}  // namespace rms::storage
