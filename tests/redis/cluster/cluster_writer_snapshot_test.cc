// ClusterTargetWriter over a real standalone source's RDB into a real 3-master cluster: every key
// of every type (hash tags, TTLs, big keys rewritten as commands) lands on the master owning its
// slot with the source's type, value digest and expiry; functions reach every master; a key of db
// 1 fails with an error naming the db.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/resp/resp.h"
#include "tests/redis/cluster/cluster_writer_test_support.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_cluster_writer {
namespace {

using engine::cluster_writer::ClusterTargetWriter;
using engine::redis::RedisClient;

constexpr int kExtraKeys = 1500;

using ClusterWriterSnapshotTest = SharedClusterTest;

// Adds keys with hash tags (several keys per slot), TTLs and every plain type to db 0.
absl::Status AddTaggedKeys(RedisClient& source) {
  std::string encoded;
  size_t count = 0;
  const std::string expire_at = "4102444800000";
  for (int i = 0; i < kExtraKeys; ++i) {
    const std::string key = absl::StrCat("{user", i % 40, "}:", i);
    const std::string n = absl::StrCat(i);
    switch (i % 5) {
      case 0:
        engine::resp::AppendCommand(encoded, {"SET", key, n});
        break;
      case 1:
        engine::resp::AppendCommand(encoded, {"RPUSH", key, "a", n, "c"});
        break;
      case 2:
        engine::resp::AppendCommand(encoded, {"HSET", key, "f", n, "g", "x"});
        break;
      case 3:
        engine::resp::AppendCommand(encoded, {"ZADD", key, "1", n, "2.5", "m"});
        break;
      case 4:
        engine::resp::AppendCommand(encoded, {"SADD", key, n, "s"});
        break;
    }
    ++count;
    if (i % 3 == 0) {
      engine::resp::AppendCommand(encoded, {"PEXPIREAT", key, expire_at});
      ++count;
    }
  }
  auto replies = source.Pipeline(encoded, count);
  if (!replies.ok()) return replies.status();
  for (const engine::resp::RespValue& reply : *replies) {
    if (reply.IsError()) return absl::InternalError(reply.str);
  }
  return absl::OkStatus();
}

TEST_F(ClusterWriterSnapshotTest, EveryKeyLandsOnItsMasterWithTheSourceValue) {
  // The source: the fixture dataset (every type and encoding, streams with groups, a function
  // library), db 0 only, plus tagged keys; its own SAVE makes the RDB.
  auto reference =
      test_writer::ReferenceServer::Start(test_writer::FixturePath("rdb/dataset-rdb10.rdb"));
  ASSERT_TRUE(reference.ok()) << reference.status();
  auto source = RedisClient::Connect(test_writer::EndpointOf((*reference)->server()));
  ASSERT_TRUE(source.ok()) << source.status();
  for (const char* db : {"1", "15"}) {
    ASSERT_TRUE((*source)->Command({"SELECT", db}).ok());
    ASSERT_TRUE((*source)->Command({"FLUSHDB"}).ok());
  }
  ASSERT_TRUE((*source)->Command({"SELECT", "0"}).ok());
  ASSERT_TRUE(AddTaggedKeys(**source).ok());
  auto rdb = SaveRdb(**source);
  ASSERT_TRUE(rdb.ok()) << rdb.status();

  engine::cluster_writer::ClusterWriterOptions options;
  options.writer.big_key_bytes = 64
                                 << 10;  // the big list, set and string are rewritten as commands
  options.writer.max_pipeline_commands = 100;
  auto writer = ConnectWriter(*cluster_, options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status applied = ApplyRdbFile(*rdb, **writer);
  ASSERT_TRUE(applied.ok()) << applied;
  EXPECT_TRUE((*writer)->TakeWarnings().empty());
  const auto stats = (*writer)->stats();
  EXPECT_GT(stats.writers.keys_rewritten, 0u);
  EXPECT_GT(stats.writers.keys_restored, 0u);
  EXPECT_EQ(stats.masters, 3u);

  auto slots = CurrentSlots(*cluster_);
  ASSERT_TRUE(slots.ok()) << slots.status();
  std::vector<std::unique_ptr<RedisClient>> masters;
  for (const auto& node : slots->masters()) {
    auto client = ConnectTo(node);
    ASSERT_TRUE(client.ok()) << client.status();
    auto functions = (*client)->Command({"FUNCTION", "LIST"});
    ASSERT_TRUE(functions.ok()) << functions.status();
    EXPECT_EQ(functions->elements.size(), 1u) << node.Address();
    masters.push_back(*std::move(client));
  }
  auto keys = (*source)->Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_GT(keys->elements.size(), static_cast<size_t>(kExtraKeys));
  for (const auto& element : keys->elements) {
    ExpectSameKey(**source, *masters[slots->MasterOfKey(element.str)], element.str);
  }
  auto total = TotalKeys(*slots);
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(*total, static_cast<int64_t>(keys->elements.size()));
}

TEST_F(ClusterWriterSnapshotTest, AKeyOfDbOneFailsNamingTheDb) {
  auto writer = ConnectWriter(*cluster_);
  ASSERT_TRUE(writer.ok()) << writer.status();
  // The fixture holds the same keys in dbs 0, 1 and 15.
  absl::Status applied = ApplyRdbFile(test_writer::FixturePath("rdb/dataset-rdb10.rdb"), **writer);
  EXPECT_EQ(applied.code(), absl::StatusCode::kFailedPrecondition) << applied;
  EXPECT_TRUE(absl::StrContains(applied.message(), "is in db 1")) << applied;
  EXPECT_TRUE(absl::StrContains(applied.message(), "only db 0")) << applied;
  // Sticky: the writer refuses everything after.
  EXPECT_EQ((*writer)->Flush().code(), absl::StatusCode::kFailedPrecondition);

  auto stream = ConnectWriter(*cluster_);
  ASSERT_TRUE(stream.ok()) << stream.status();
  EXPECT_TRUE((*stream)->ApplyCommand({"SELECT", "0"}).ok());
  EXPECT_TRUE((*stream)->ApplyCommand({"SELECT", "1"}).ok());
  absl::Status refused = (*stream)->ApplyCommand({"SET", "k", "v"});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "SET is in db 1")) << refused;
}

}  // namespace
}  // namespace rms::test_cluster_writer
