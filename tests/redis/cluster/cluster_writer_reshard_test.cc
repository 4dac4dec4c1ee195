// ClusterTargetWriter while a slot moves between masters of a real cluster (CLUSTER SETSLOT
// IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE): writes during the move follow ASK, writes after it
// follow MOVED; no key is lost or left on the old master, and one key's commands keep their order.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/engine/cluster/slot.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "tests/redis/cluster/cluster_writer_test_support.h"

namespace rms::test_cluster_writer {
namespace {

using engine::cluster::ClusterNode;
using engine::cluster_writer::ClusterTargetWriter;
using engine::redis::RedisClient;

constexpr int kKeys = 100;
const std::string kTag = "{mv}";

std::string Key(int i) { return absl::StrCat(kTag, ":", i); }

class ClusterWriterReshardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = StartCluster();
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    auto writer = ConnectWriter(*cluster_);
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = *std::move(writer);
    slot_ = engine::cluster::SlotOf(kTag);
    const auto& masters = writer_->slots().masters();
    const int owner = writer_->slots().MasterOf(slot_);
    for (size_t i = 0; i < masters.size(); ++i) {
      auto client = ConnectTo(masters[i]);
      ASSERT_TRUE(client.ok()) << client.status();
      auto id = (*client)->Command({"CLUSTER", "MYID"});
      ASSERT_TRUE(id.ok()) << id.status();
      Master master{masters[i], id->str, *std::move(client)};
      if (static_cast<int>(i) == owner) {
        from_ = std::move(master);
      } else if (to_.client == nullptr) {
        to_ = std::move(master);
      } else {
        other_ = std::move(master);
      }
    }
  }

  void Apply(std::vector<std::string> command) {
    absl::Status status = writer_->ApplyCommand(command);
    ASSERT_TRUE(status.ok()) << absl::StrJoin(command, " ") << ": " << status;
  }
  // The slot moves to the new master for good: the keys left, then SETSLOT NODE everywhere.
  void FinishMigration() {
    MigrateKeys(10000);
    for (Master* master : {&to_, &from_, &other_}) {
      Cluster(*master->client, {"CLUSTER", "SETSLOT", absl::StrCat(slot_), "NODE", to_.id});
    }
  }
  // How many EXECs the old master refused because a queued command was refused (redirected).
  int64_t ExecAborts() {
    auto info = from_.client->Command({"INFO", "errorstats"});
    if (!info.ok()) return -1;
    const size_t at = info->str.find("errorstat_EXECABORT:count=");
    if (at == std::string::npos) return 0;
    int64_t count = 0;
    absl::SimpleAtoi(info->str.substr(at + 26, info->str.find('\r', at) - at - 26), &count);
    return count;
  }
  void Cluster(RedisClient& client, std::vector<std::string> command) {
    auto reply = client.Command(command);
    ASSERT_TRUE(reply.ok()) << absl::StrJoin(command, " ") << ": " << reply.status();
  }
  // MIGRATE of the slot's keys still on the old master, at most `count` of them.
  void MigrateKeys(int count) {
    auto keys = from_.client->Command(
        {"CLUSTER", "GETKEYSINSLOT", absl::StrCat(slot_), absl::StrCat(count)});
    ASSERT_TRUE(keys.ok()) << keys.status();
    if (keys->elements.empty()) return;
    std::vector<std::string> migrate = {
        "MIGRATE",        to_.node.host, absl::StrCat(to_.node.port), "", "0", "5000", "AUTH",
        kClusterPassword, "KEYS"};
    for (const auto& key : keys->elements) migrate.push_back(key.str);
    Cluster(*from_.client, migrate);
  }
  // One round of writes to the moving slot (and elsewhere), `round` numbering the log entries.
  void WriteRound(int round) {
    for (int i = 0; i < kKeys; ++i) {
      Apply({"INCR", Key(i)});
      Apply({"RPUSH", kTag + ":log", absl::StrCat(round * kKeys + i)});
      Apply({"SET", absl::StrCat("elsewhere:", round, ":", i), "x"});
    }
    Apply({"SET", absl::StrCat(kTag, ":new:", round), "fresh"});
    // A transaction on one key of the slot.
    Apply({"MULTI"});
    Apply({"INCR", Key(0)});
    Apply({"INCR", Key(0)});
    Apply({"EXEC"});
  }

  struct Master {
    ClusterNode node;
    std::string id;
    std::unique_ptr<RedisClient> client;
  };
  std::unique_ptr<test_support::RedisCluster> cluster_;
  std::unique_ptr<ClusterTargetWriter> writer_;
  int slot_ = 0;
  Master from_, to_, other_;
};

TEST_F(ClusterWriterReshardTest, WritesFollowASlotMovedToAnotherMaster) {
  for (int i = 0; i < kKeys; ++i) Apply({"SET", Key(i), absl::StrCat(i * 10)});
  WriteRound(0);
  ASSERT_TRUE(writer_->Flush().ok());

  const std::string slot = absl::StrCat(slot_);
  Cluster(*to_.client, {"CLUSTER", "SETSLOT", slot, "IMPORTING", from_.id});
  Cluster(*from_.client, {"CLUSTER", "SETSLOT", slot, "MIGRATING", to_.id});
  MigrateKeys(kKeys / 2);  // about half of the keys moved: the rest are still on the old master
  WriteRound(1);
  absl::Status flushed = writer_->Flush();
  ASSERT_TRUE(flushed.ok()) << flushed;
  EXPECT_GT(writer_->stats().asked, 0u);

  FinishMigration();
  WriteRound(2);
  Apply({"MULTI"});
  Apply({"INCR", Key(1)});
  Apply({"INCR", Key(2)});
  Apply({"EXEC"});
  flushed = writer_->Flush();
  ASSERT_TRUE(flushed.ok()) << flushed;
  EXPECT_GT(writer_->stats().moved, 0u);
  EXPECT_EQ(writer_->slots().masters()[writer_->slots().MasterOf(slot_)], to_.node);

  // Everything of the slot is on the new master, in order, and nothing stayed behind.
  auto left = from_.client->Command({"CLUSTER", "COUNTKEYSINSLOT", slot});
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(left->integer, 0);
  auto moved = to_.client->Command({"CLUSTER", "COUNTKEYSINSLOT", slot});
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->integer, kKeys + 1 + 3);  // the counters, the log, one new key per round
  for (int i = 0; i < kKeys; ++i) {
    auto value = to_.client->Command({"GET", Key(i)});
    ASSERT_TRUE(value.ok()) << Key(i) << ": " << value.status();
    const int transactions = i == 0 ? 6 : (i == 1 || i == 2 ? 1 : 0);
    EXPECT_EQ(value->str, absl::StrCat(i * 10 + 3 + transactions)) << Key(i);
  }
  auto log = to_.client->Command({"LRANGE", kTag + ":log", "0", "-1"});
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->elements.size(), static_cast<size_t>(3 * kKeys));
  for (int i = 0; i < 3 * kKeys; ++i) {
    ASSERT_EQ(log->elements[i].str, absl::StrCat(i)) << "log entry " << i;
  }
  auto slots = CurrentSlots(*cluster_);
  ASSERT_TRUE(slots.ok()) << slots.status();
  auto total = TotalKeys(*slots);
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(*total, kKeys + 1 + 3 + 3 * kKeys);
}

TEST_F(ClusterWriterReshardTest, ATransactionWithKeysOnBothSidesWaitsForTheMoveToEnd) {
  Apply({"SET", kTag + ":stay", "1"});
  Apply({"SET", kTag + ":go", "1"});
  ASSERT_TRUE(writer_->Flush().ok());
  const std::string slot = absl::StrCat(slot_);
  Cluster(*to_.client, {"CLUSTER", "SETSLOT", slot, "IMPORTING", from_.id});
  Cluster(*from_.client, {"CLUSTER", "SETSLOT", slot, "MIGRATING", to_.id});
  Cluster(*from_.client, {"MIGRATE", to_.node.host, absl::StrCat(to_.node.port), "", "0", "5000",
                          "AUTH", kClusterPassword, "KEYS", kTag + ":go"});
  const int64_t aborts_before = ExecAborts();

  // The operator finishes the move once the writer was turned away at least once; until then
  // the writer keeps trying (neither side may run a transaction split between them).
  std::thread operator_thread([&] {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (ExecAborts() <= aborts_before && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    FinishMigration();
  });
  absl::Status applied = writer_->ApplyCommand({"MULTI"});
  for (const char* key : {":stay", ":go"}) {
    if (applied.ok()) applied = writer_->ApplyCommand({"INCR", kTag + key});
  }
  if (applied.ok()) applied = writer_->ApplyCommand({"EXEC"});
  operator_thread.join();
  ASSERT_TRUE(applied.ok()) << applied;
  ASSERT_TRUE(writer_->Flush().ok());

  EXPECT_GT(ExecAborts(), aborts_before);
  // Sent to the new master: by MOVED once the move ended, or by ASK when the writer came back
  // between the last MIGRATE and SETSLOT NODE.
  const auto stats = writer_->stats();
  EXPECT_GT(stats.moved + stats.asked, 0u);
  for (const char* key : {":stay", ":go"}) {
    auto value = to_.client->Command({"GET", kTag + key});
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(value->str, "2") << key;
  }
}

// A tag whose slot the old master owns too, other than the moving slot.
std::string AnotherTagOf(const engine::cluster::SlotMap& slots, int master, int not_slot) {
  for (int i = 0;; ++i) {
    const std::string tag = absl::StrCat("{other", i, "}");
    const int slot = engine::cluster::SlotOf(tag);
    if (slot != not_slot && slots.MasterOf(slot) == master) return tag;
  }
}

// Strings (some with TTLs), a hash, and a list big enough to be rewritten in several batches.
void FillSource(RedisClient& source, const std::string& tag) {
  for (int i = 0; i < 40; ++i) {
    const std::string key = absl::StrCat(tag, ":s:", i);
    ASSERT_TRUE(source.Command({"SET", key, absl::StrCat("value-", i)}).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(source.Command({"PEXPIREAT", key, "4102444800000"}).ok());
    }
  }
  ASSERT_TRUE(source.Command({"HSET", tag + ":hash", "f1", "a", "f2", "b"}).ok());
  std::vector<std::string> rpush = {"RPUSH", tag + ":list"};
  for (int i = 0; i < 3000; ++i) rpush.push_back(absl::StrCat("element-", i));
  ASSERT_TRUE(source.Command(rpush).ok());
}

TEST_F(ClusterWriterReshardTest, ASnapshotFollowsSlotsMovedAndMovingOnTheTarget) {
  const std::string moved_tag =
      AnotherTagOf(writer_->slots(), writer_->slots().MasterOf(slot_), slot_);
  auto source_server = test_support::RedisServer::Start();
  ASSERT_TRUE(source_server.ok()) << source_server.status();
  auto source = RedisClient::Connect({"127.0.0.1", (*source_server)->port(), "", ""});
  ASSERT_TRUE(source.ok()) << source.status();
  FillSource(**source, kTag);
  FillSource(**source, moved_tag);
  auto rdb = SaveRdb(**source);
  ASSERT_TRUE(rdb.ok()) << rdb.status();

  // On the target, before the snapshot: stale copies of half the strings of the moving slot on
  // the old master, some of them already migrated; the other slot moved entirely.
  for (int i = 0; i < 20; ++i) Apply({"SET", absl::StrCat(kTag, ":s:", i), "stale"});
  ASSERT_TRUE(writer_->Flush().ok());
  const std::string slot = absl::StrCat(slot_);
  Cluster(*to_.client, {"CLUSTER", "SETSLOT", slot, "IMPORTING", from_.id});
  Cluster(*from_.client, {"CLUSTER", "SETSLOT", slot, "MIGRATING", to_.id});
  MigrateKeys(10);
  engine::cluster_writer::ClusterWriterOptions options;
  options.writer.big_key_bytes = 8 << 10;     // the lists are rewritten...
  options.writer.max_pipeline_commands = 20;  // ...over several batches
  auto snapshot_writer = ConnectWriter(*cluster_, options);
  ASSERT_TRUE(snapshot_writer.ok()) << snapshot_writer.status();
  // The writer's map is from before this move: it learns it from MOVED.
  const std::string other_slot = absl::StrCat(engine::cluster::SlotOf(moved_tag));
  for (Master* master : {&to_, &from_, &other_}) {
    Cluster(*master->client, {"CLUSTER", "SETSLOT", other_slot, "NODE", to_.id});
  }
  absl::Status applied = ApplyRdbFile(*rdb, **snapshot_writer);
  ASSERT_TRUE(applied.ok()) << applied;
  const auto stats = (*snapshot_writer)->stats();
  EXPECT_GT(stats.asked, 0u);
  EXPECT_GT(stats.moved, 0u);
  EXPECT_GT(stats.writers.keys_rewritten, 0u);
  FinishMigration();

  auto keys = (*source)->Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->elements.size(), 2u * 42);
  for (const auto& element : keys->elements) {
    // MIGRATE carries a TTL as the time left: the expiry may shift by a few milliseconds.
    ExpectSameKey(**source, *to_.client, element.str, /*expiry_tolerance_ms=*/1000);
  }
  auto slots = CurrentSlots(*cluster_);
  ASSERT_TRUE(slots.ok()) << slots.status();
  auto total = TotalKeys(*slots);
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(*total, 2 * 42);
}

}  // namespace
}  // namespace rms::test_cluster_writer
