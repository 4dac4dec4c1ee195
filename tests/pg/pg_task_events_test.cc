// PgStore's task log (level filter, paging) and the NOTIFY that wakes workers.
#include <gtest/gtest.h>

#include <pqxx/connection>
#include <pqxx/notification>
#include <string>
#include <vector>

#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

absl::Status AppendEvent(PgStore& store, const std::string& task_id, const std::string& code,
                         const std::string& level) {
  return store
      .UpdateTask("p1", task_id,
                  [&](TaskRecord&, TaskEvent& event) {
                    event.code = code;
                    event.level = level;
                    return absl::OkStatus();
                  })
      .status();
}

TEST_F(PgStoreTest, EventsAreOldestFirstFilteredByLevelAndPaged) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1"), MakeEvent("E0")).ok());
  ASSERT_TRUE(store_->CreateTask(MakeTask("t2"), MakeEvent("OTHER")).ok());
  const std::vector<std::string> levels = {"warning", "error", "warning", "info", "warning"};
  for (size_t i = 0; i < levels.size(); ++i) {
    ASSERT_TRUE(AppendEvent(*store_, "t1", "E" + std::to_string(i + 1), levels[i]).ok());
  }

  absl::StatusOr<Page<TaskEvent>> all = store_->ListEvents("t1", "", 0, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total, 6);
  ASSERT_EQ(all->rows.size(), 6u);
  for (size_t i = 0; i < all->rows.size(); ++i) {
    EXPECT_EQ(all->rows[i].code, "E" + std::to_string(i));
    if (i > 0) {
      EXPECT_GT(all->rows[i].id, all->rows[i - 1].id);
    }
  }

  absl::StatusOr<Page<TaskEvent>> warnings = store_->ListEvents("t1", "warning", 1, 1);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_EQ(warnings->total, 3);
  ASSERT_EQ(warnings->rows.size(), 1u);
  EXPECT_EQ(warnings->rows[0].code, "E3");

  absl::StatusOr<Page<TaskEvent>> unknown = store_->ListEvents("nope", "", 0, 10);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->total, 0);
}

// Collects the payloads of channel rms_tasks on its own connection.
class TaskChannelListener : public pqxx::notification_receiver {
 public:
  explicit TaskChannelListener(pqxx::connection_base& connection)
      : pqxx::notification_receiver(connection, kTaskChannel) {}
  void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
  std::vector<std::string> payloads;
};

absl::Status SetState(PgStore& store, const std::string& task_id, task_model::TaskStatus status,
                      const std::string& desired_state) {
  return store
      .UpdateTask("p1", task_id,
                  [&](TaskRecord& task, TaskEvent&) {
                    task.status = status;
                    task.desired_state = desired_state;
                    return absl::OkStatus();
                  })
      .status();
}

TEST_F(PgStoreTest, ClaimableUpdateNotifiesTaskChannel) {
  pqxx::connection connection(db_url());
  TaskChannelListener listener(connection);
  for (const char* id : {"idle", "leased", "claimable"}) {
    ASSERT_TRUE(store_->CreateTask(MakeTask(id), TaskEvent()).ok());
  }
  ASSERT_TRUE(SetState(*store_, "idle", task_model::TaskStatus::kMigrating, "stopped").ok());
  ASSERT_TRUE(store_
                  ->UpdateTask("p1", "leased",
                               [](TaskRecord& task, TaskEvent&) {
                                 task.status = task_model::TaskStatus::kMigrating;
                                 task.desired_state = "running";
                                 task.lease_owner = "worker-1";
                                 task.lease_expires_at = absl::Now() + absl::Minutes(5);
                                 return absl::OkStatus();
                               })
                  .ok());
  ASSERT_TRUE(SetState(*store_, "claimable", task_model::TaskStatus::kMigrating, "running").ok());

  bool delivered = WaitFor(
      [&] {
        connection.get_notifs();
        return !listener.payloads.empty();
      },
      absl::Seconds(10));
  ASSERT_TRUE(delivered) << "no notification on " << kTaskChannel;
  // Notifications arrive in commit order: had the earlier updates notified, they would be first.
  EXPECT_EQ(listener.payloads, std::vector<std::string>{"claimable"});
}

}  // namespace
}  // namespace rms::storage
