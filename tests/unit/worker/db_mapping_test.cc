// The task's db_mapping on the snapshot's events and the stream's commands.
#include "services/worker/db_mapping.h"

#include <gtest/gtest.h>

#include "services/worker/database_fit_check.h"
#include "services/worker/failure_code.h"

namespace rms::worker {
namespace {

using Args = std::vector<absl::string_view>;
using Out = std::vector<std::string>;

const DbMapping& TwoAndThreeToZero() {
  static const DbMapping mapping({{2, 0}, {3, 0}, {5, 7}});
  return mapping;
}

TEST(DbMappingTest, SnapshotEventsGetTheTargetsDatabase) {
  engine::rdb::RdbEvent select;
  select.type = engine::rdb::RdbEvent::kSelectDb;
  select.db = 3;
  TwoAndThreeToZero().Apply(select);
  EXPECT_EQ(select.db, 0);
  engine::rdb::RdbEvent key;
  key.type = engine::rdb::RdbEvent::kKeyBegin;
  key.db = 5;
  key.header.db = 5;
  TwoAndThreeToZero().Apply(key);
  EXPECT_EQ(key.header.db, 7);
  key.header.db = 1;  // unlisted: kept
  TwoAndThreeToZero().Apply(key);
  EXPECT_EQ(key.header.db, 1);
}

TEST(DbMappingTest, StreamCommandsNamingADatabaseAreRewritten) {
  auto map = [](Args args) { return TwoAndThreeToZero().MapCommand(args); };
  EXPECT_EQ(**map({"SELECT", "2"}), (Out{"SELECT", "0"}));
  EXPECT_EQ(**map({"select", "5"}), (Out{"select", "7"}));
  EXPECT_FALSE(map({"SELECT", "1"})->has_value());  // 1 -> 1: unchanged
  EXPECT_EQ(**map({"MOVE", "k", "3"}), (Out{"MOVE", "k", "0"}));
  EXPECT_EQ(**map({"COPY", "a", "b", "DB", "5", "REPLACE"}),
            (Out{"COPY", "a", "b", "DB", "7", "REPLACE"}));
  EXPECT_FALSE(map({"SET", "2", "3"})->has_value());  // numbers that are not databases
  EXPECT_EQ(**map({"SWAPDB", "5", "1"}), (Out{"SWAPDB", "7", "1"}));
  auto swapped = map({"SWAPDB", "2", "3"});  // both to db 0
  EXPECT_EQ(swapped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FailureCodeOf(swapped.status()), "DB_MAPPING_CONFLICT");
  EXPECT_FALSE(DbMapping({}).MapCommand(Args{"SELECT", "2"})->has_value());
}

TEST(DbMappingTest, DatabasesWithKeysAreReadFromInfoKeyspace) {
  EXPECT_EQ(DatabasesWithKeys("# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\n"
                              "db2:keys=5,expires=1,avg_ttl=9\r\ndb7:keys=0,expires=0\r\n"),
            (std::vector<int>{0, 2}));
  EXPECT_TRUE(DatabasesWithKeys("# Keyspace\r\n").empty());
  EXPECT_TRUE(DatabasesWithKeys("dbx:keys=1\r\n").empty());
}

}  // namespace
}  // namespace rms::worker
