// PgPool and PgWorkerStore under database faults (a loopback proxy cuts or freezes the link):
// calls are bounded, idempotent calls survive broken pooled connections, and a checkpoint
// written across a concurrent claim is fenced.
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storage/pg_worker_store.h"
#include "tests/pg/pg_store_fixture.h"
#include "tests/support/tcp_proxy.h"

namespace rms::storage {
namespace {

class PgPoolBoundsTest : public PgStoreTest {
 protected:
  // A pool (and a worker store on it) whose connections go through a proxy.
  void OpenThroughProxy(PgBounds bounds) {
    const std::string url = db_url();
    const size_t host = url.find("127.0.0.1:") + 10;
    const size_t slash = url.find('/', host);
    int port = 0;
    ASSERT_TRUE(absl::SimpleAtoi(url.substr(host, slash - host), &port)) << url;
    auto proxy = test_support::TcpProxy::Start(port);
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = *std::move(proxy);
    const std::string proxied =
        absl::StrCat(url.substr(0, host), proxy_->port(), url.substr(slash));
    auto pool = PgPool::Create(proxied, 2, bounds);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    workers_ = std::make_unique<PgWorkerStore>(*pool_);
    TaskRecord task = MakeTask("t1");
    task.status = task_model::TaskStatus::kMigrating;
    task.desired_state = "running";
    ASSERT_TRUE(store_->CreateTask(task, TaskEvent{}).ok());
    auto claim = workers_->ClaimTask("w", absl::Seconds(30));
    ASSERT_TRUE(claim.ok() && claim->has_value()) << claim.status();
  }
  std::unique_ptr<test_support::TcpProxy> proxy_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgWorkerStore> workers_;
};

TEST(BoundedUrlTest, AddsMissingParametersOnly) {
  PgBounds bounds;
  bounds.statement_timeout = absl::Seconds(4);
  EXPECT_EQ(BoundedUrl("postgresql://u@127.0.0.1:5432/db?connect_timeout=2", bounds),
            "postgresql://u@127.0.0.1:5432/db?connect_timeout=2&keepalives=1&keepalives_idle=5"
            "&keepalives_interval=2&keepalives_count=3&tcp_user_timeout=10000"
            "&options=-c%20statement_timeout%3D4000");
  EXPECT_EQ(BoundedUrl("host=127.0.0.1 dbname=db", PgBounds{}),
            "host=127.0.0.1 dbname=db connect_timeout=5 keepalives=1 keepalives_idle=5"
            " keepalives_interval=2 keepalives_count=3 tcp_user_timeout=10000");
}

TEST_F(PgPoolBoundsTest, FrozenLinkFailsTheCallAtItsDeadline) {
  if (IsSkipped()) return;
  PgBounds bounds;
  bounds.call_timeout = absl::Seconds(1);
  ASSERT_NO_FATAL_FAILURE(OpenThroughProxy(bounds));
  proxy_->SetMode(test_support::TcpProxy::Mode::kFrozen);
  const absl::Time start = absl::Now();
  absl::Status written = workers_->WriteStats("t1", 1, "{}");
  EXPECT_TRUE(absl::IsUnavailable(written)) << written;
  // Two attempts (the retry of an idempotent call) of at most ~1 s each, plus a connect.
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(PgPoolBoundsTest, IdempotentCallsSurviveBrokenPooledConnections) {
  if (IsSkipped()) return;
  ASSERT_NO_FATAL_FAILURE(OpenThroughProxy(PgBounds{}));
  ASSERT_TRUE(workers_->WriteStats("t1", 1, "{}").ok());
  proxy_->SetMode(test_support::TcpProxy::Mode::kDown);  // like a database restart
  proxy_->SetMode(test_support::TcpProxy::Mode::kForward);
  EXPECT_TRUE(workers_->RenewLease("t1", 1, absl::Seconds(30)).ok());
  EXPECT_TRUE(workers_->WriteStats("t1", 1, "{}").ok());
}

TEST_F(PgPoolBoundsTest, CheckpointRacingAClaimIsFenced) {
  if (IsSkipped()) return;
  ASSERT_NO_FATAL_FAILURE(OpenThroughProxy(PgBounds{}));
  // Another worker's claim holds the row lock (its transaction not committed yet).
  pqxx::connection claimer(db_url());
  pqxx::work claim(claimer);
  claim.exec("UPDATE tasks SET lease_epoch = lease_epoch + 1 WHERE id = 't1'");
  absl::Status written;
  std::thread old_owner([&] {
    written = workers_->WriteCheckpoint("t1", 1, Checkpoint{"", "r", 500, 1});
  });
  pqxx::connection observer(db_url());
  EXPECT_TRUE(WaitFor(
      [&] {  // the write waits for the row lock
        pqxx::nontransaction tx(observer);
        return tx.exec(
                     "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     " AND datname = current_database()")[0][0]
                   .as<int>() > 0;
      },
      absl::Seconds(5)));
  claim.commit();
  old_owner.join();
  EXPECT_TRUE(absl::IsAborted(written)) << written;
  EXPECT_TRUE(workers_->ReadCheckpoints("t1")->empty());
}

}  // namespace
}  // namespace rms::storage
