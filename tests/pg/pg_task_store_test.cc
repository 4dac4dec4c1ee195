// PgStore's TaskStore against a real PostgreSQL: create, get, list, update and their errors.
#include <gtest/gtest.h>

#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>

#include "services/common/errors.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

TEST_F(PgStoreTest, CreateThenGetReturnsEveryField) {
  TaskRecord task = MakeTask("t1", "copy cache");
  task.description = "desc";
  task.config_json = R"({"bandwidth_limit_mb": 10})";
  task.stats_json = R"({"keys": 5})";
  task.lease_expires_at = absl::FromUnixMicros(1700000000123456);
  task.created_at = absl::FromUnixMicros(1600000000654321);
  ASSERT_TRUE(store_->CreateTask(task, MakeEvent("TASK_CREATED")).ok());

  absl::StatusOr<TaskRecord> got = store_->GetTask("p1", "t1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->name, "copy cache");
  EXPECT_EQ(got->description, "desc");
  EXPECT_EQ(got->kind, "online_migration");
  EXPECT_EQ(got->job_id, "job-t1");
  EXPECT_EQ(got->config_json, R"({"bandwidth_limit_mb": 10})");
  EXPECT_EQ(got->stats_json, R"({"keys": 5})");
  EXPECT_EQ(got->status, task_model::TaskStatus::kRunning);
  EXPECT_EQ(got->lease_expires_at, task.lease_expires_at);
  EXPECT_EQ(got->created_at, task.created_at);
  EXPECT_FALSE(got->released_at.has_value());

  absl::StatusOr<TaskRecord> by_job = store_->GetTaskByJob("p1", "job-t1");
  ASSERT_TRUE(by_job.ok()) << by_job.status();
  EXPECT_EQ(by_job->id, "t1");
}

TEST_F(PgStoreTest, DefaultCreatedAtIsNow) {
  absl::Time before = absl::Now() - absl::Seconds(5);
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), TaskEvent()).ok());
  absl::StatusOr<TaskRecord> got = store_->GetTask("p1", "t1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_GT(got->created_at, before);
  EXPECT_LT(got->created_at, absl::Now() + absl::Seconds(5));
}

TEST_F(PgStoreTest, MissingTaskIsPlainNotFound) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), TaskEvent()).ok());
  for (const absl::Status& status :
       {store_->GetTask("p1", "nope").status(), store_->GetTask("other", "t1").status(),
        store_->GetTaskByJob("p1", "nope").status(),
        store_->UpdateTask("p1", "nope", [](TaskRecord&, TaskEvent&) { return absl::OkStatus(); })
            .status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
    EXPECT_FALSE(errors::DcsCodeOf(status).has_value());
  }
}

TEST_F(PgStoreTest, DuplicateIdOrJobIsAlreadyExists) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), TaskEvent()).ok());
  EXPECT_EQ(store_->CreateTask(MakeTask("t1"), TaskEvent()).code(),
            absl::StatusCode::kAlreadyExists);
  TaskRecord same_job = MakeTask("t2");
  same_job.job_id = "job-t1";
  EXPECT_EQ(store_->CreateTask(same_job, TaskEvent()).code(), absl::StatusCode::kAlreadyExists);
  TaskRecord no_job_a = MakeTask("t3"), no_job_b = MakeTask("t4");
  no_job_a.job_id = no_job_b.job_id = "";
  EXPECT_TRUE(store_->CreateTask(no_job_a, TaskEvent()).ok());
  EXPECT_TRUE(store_->CreateTask(no_job_b, TaskEvent()).ok());
}

TEST_F(PgStoreTest, ListIsNewestFirstWithoutDeletedAndPages) {
  for (int i = 0; i < 5; ++i) {
    TaskRecord task = MakeTask("t" + std::to_string(i), "name" + std::to_string(i));
    task.created_at = absl::FromUnixSeconds(1000 + i);
    if (i == 2) task.status = task_model::TaskStatus::kDeleted;
    ASSERT_TRUE(store_->CreateTask(task, TaskEvent()).ok());
  }
  TaskRecord other = MakeTask("x");
  other.project_id = "p2";
  ASSERT_TRUE(store_->CreateTask(other, TaskEvent()).ok());

  absl::StatusOr<Page<TaskRecord>> page = store_->ListTasks("p1", "", 1, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total, 4);
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].id, "t3");
  EXPECT_EQ(page->rows[1].id, "t1");

  absl::StatusOr<Page<TaskRecord>> past_end = store_->ListTasks("p1", "", 10, 2);
  ASSERT_TRUE(past_end.ok());
  EXPECT_EQ(past_end->total, 4);
  EXPECT_TRUE(past_end->rows.empty());
  EXPECT_EQ(store_->ListTasks("p1", "", -1, 2).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PgStoreTest, NameFilterIsASubstringWithWildcardsTakenLiterally) {
  for (const char* name : {"cache_a", "cacheXa", "100%done", "other"}) {
    ASSERT_TRUE(store_->CreateTask(MakeTask(std::string("id-") + name, name), TaskEvent()).ok());
  }
  absl::StatusOr<Page<TaskRecord>> underscore = store_->ListTasks("p1", "e_a", 0, 10);
  ASSERT_TRUE(underscore.ok());
  ASSERT_EQ(underscore->total, 1);
  EXPECT_EQ(underscore->rows[0].name, "cache_a");

  absl::StatusOr<Page<TaskRecord>> percent = store_->ListTasks("p1", "0%d", 0, 10);
  ASSERT_TRUE(percent.ok());
  ASSERT_EQ(percent->total, 1);
  EXPECT_EQ(percent->rows[0].name, "100%done");

  absl::StatusOr<Page<TaskRecord>> cache = store_->ListTasks("p1", "cache", 0, 10);
  ASSERT_TRUE(cache.ok());
  EXPECT_EQ(cache->total, 2);
}

TEST_F(PgStoreTest, UpdateWritesRowAndEvent) {
  TaskRecord task = MakeTask("t1");
  task.updated_at = absl::FromUnixSeconds(1000);
  ASSERT_TRUE(store_->CreateTask(task, TaskEvent()).ok());
  absl::StatusOr<TaskRecord> updated =
      store_->UpdateTask("p1", "t1", [](TaskRecord& row, TaskEvent& event) {
        row.status = task_model::TaskStatus::kMigrationFailed;
        row.error = "source unreachable";
        row.id = "ignored";
        row.released_at = absl::FromUnixSeconds(2000);
        event.code = "TASK_FAILED";
        event.level = "error";
        event.keywords = {"source", "x y"};
        event.from_status = "RUNNING";
        event.to_status = "MIGRATION_FAILED";
        return absl::OkStatus();
      });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->id, "t1");
  EXPECT_EQ(updated->status, task_model::TaskStatus::kMigrationFailed);
  EXPECT_GT(updated->updated_at, absl::FromUnixSeconds(1000));
  EXPECT_EQ(updated->released_at, absl::FromUnixSeconds(2000));

  absl::StatusOr<TaskRecord> got = store_->GetTask("p1", "t1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->error, "source unreachable");
  absl::StatusOr<Page<TaskEvent>> events = store_->ListEvents("t1", "", 0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->rows.size(), 1u);
  const TaskEvent& event = events->rows[0];
  EXPECT_EQ(event.task_id, "t1");
  EXPECT_EQ(event.code, "TASK_FAILED");
  EXPECT_EQ(event.level, "error");
  EXPECT_EQ(event.keywords, (std::vector<std::string>{"source", "x y"}));
  EXPECT_EQ(event.from_status, "RUNNING");
  EXPECT_EQ(event.to_status, "MIGRATION_FAILED");
  EXPECT_GT(event.created_at, absl::Now() - absl::Minutes(1));
}

TEST_F(PgStoreTest, StatusTravelsAsItsDcsSpelling) {
  TaskRecord task = MakeTask("t1");
  task.status = task_model::TaskStatus::kIncrMigrating;
  ASSERT_TRUE(store_->CreateTask(task, TaskEvent()).ok());
  pqxx::connection connection(db_url());
  pqxx::work tx(connection);
  EXPECT_EQ(tx.exec1("SELECT status FROM tasks WHERE id = 't1'")[0].as<std::string>(),
            "INCRMIGEATING");
}

TEST_F(PgStoreTest, UnknownStatusInARowIsAnErrorWhenRead) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), TaskEvent()).ok());
  {
    pqxx::connection connection(db_url());
    pqxx::work tx(connection);
    tx.exec0("UPDATE tasks SET status = 'STOPPED' WHERE id = 't1'");
    tx.commit();
  }
  absl::StatusOr<TaskRecord> got = store_->GetTask("p1", "t1");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(got.status().message().find("\"STOPPED\" is not a task status"),
            absl::string_view::npos)
      << got.status();
  EXPECT_FALSE(store_->ListTasks("p1", "", 0, 10).ok());
}

TEST_F(PgStoreTest, LeaseLivenessIsJudgedByTheDatabaseClock) {
  TaskRecord live = MakeTask("live");
  live.lease_owner = "w/0";
  live.lease_expires_at = absl::Now() + absl::Minutes(5);
  TaskRecord expired = MakeTask("expired");
  expired.lease_owner = "w/1";
  expired.lease_expires_at = absl::Now() - absl::Minutes(5);
  for (const TaskRecord& task : {live, expired, MakeTask("free")}) {
    ASSERT_TRUE(store_->CreateTask(task, TaskEvent()).ok());
  }
  EXPECT_TRUE(store_->GetTask("p1", "live")->lease_live);
  EXPECT_FALSE(store_->GetTask("p1", "expired")->lease_live);
  EXPECT_FALSE(store_->GetTask("p1", "free")->lease_live);
  // The row a mutation sees (the stop decision) carries it too.
  bool seen_live = true;
  ASSERT_TRUE(store_
                  ->UpdateTask("p1", "expired",
                               [&](TaskRecord& row, TaskEvent&) {
                                 seen_live = row.lease_live;
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_FALSE(seen_live);
}

TEST_F(PgStoreTest, FailingMutationWritesNothing) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1", "before"), TaskEvent()).ok());
  absl::StatusOr<TaskRecord> result =
      store_->UpdateTask("p1", "t1", [](TaskRecord& row, TaskEvent& event) {
        row.name = "after";
        event.code = "RENAMED";
        return errors::WrongState("rename", task_model::ToDcsString(row.status), "STOPPED");
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(errors::DcsCodeOf(result.status()), "DCS.4134");
  absl::StatusOr<TaskRecord> got = store_->GetTask("p1", "t1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "before");
  absl::StatusOr<Page<TaskEvent>> events = store_->ListEvents("t1", "", 0, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->total, 0);
}

TEST_F(PgStoreTest, InvalidConfigJsonIsInternalWithSqlState) {
  TaskRecord task = MakeTask("t1");
  task.config_json = "{not json";
  absl::Status status = store_->CreateTask(task, TaskEvent());
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(status.message().find("SQLSTATE 22P02"), absl::string_view::npos) << status;
}

}  // namespace
}  // namespace rms::storage
