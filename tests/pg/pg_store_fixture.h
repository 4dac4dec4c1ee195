// Shared fixture of the storage tests: a fresh database with the schema and an open PgStore.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/pg_store.h"
#include "tests/support/pg_test_database.h"

namespace rms::storage {

class PgStoreTest : public test_support::PgDatabaseTest {
 protected:
  void SetUp() override {
    PgDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    absl::StatusOr<std::unique_ptr<PgStore>> store = PgStore::Open(db_url(), 4);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    PgDatabaseTest::TearDown();
  }

  // A task of project "p1" with the fields every test needs.
  static TaskRecord MakeTask(const std::string& id, const std::string& name = "task") {
    TaskRecord task;
    task.id = id;
    task.project_id = "p1";
    task.name = name;
    task.kind = "online_migration";
    task.job_id = "job-" + id;
    task.status = task_model::TaskStatus::kRunning;
    task.desired_state = "idle";
    return task;
  }

  static TaskEvent MakeEvent(const std::string& code, const std::string& level = "info") {
    TaskEvent event;
    event.code = code;
    event.level = level;
    event.message = "message of " + code;
    return event;
  }

  std::unique_ptr<PgStore> store_;
};

// Polls `predicate` until it holds or `timeout` passes; true when it held.
inline bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!predicate()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

}  // namespace rms::storage
