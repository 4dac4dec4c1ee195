// The shards of a cluster source (named by their slots) and the guard on each shard's stream: a
// key of another shard's slot or a FLUSHALL fails the task with its own code.
#include "services/worker/source_shards.h"

#include <gtest/gtest.h>

#include "services/worker/failure_code.h"
#include "services/worker/shard_slot_guard.h"
#include "tests/unit/engine/cluster/resp_builders.h"

namespace rms::worker {
namespace {

using engine::cluster::Arr;
using engine::cluster::Int;
using engine::cluster::Str;

engine::cluster::SlotMap ThreeMasters() {
  engine::resp::RespValue reply =
      Arr({Arr({Int(0), Int(5460), Arr({Str("127.0.0.1"), Int(7000)})}),
           Arr({Int(5461), Int(10922), Arr({Str("127.0.0.1"), Int(7001)})}),
           Arr({Int(10923), Int(16383), Arr({Str("127.0.0.1"), Int(7002)})}),
           Arr({Int(100), Int(100), Arr({Str("127.0.0.1"), Int(7002)})})});
  return *engine::cluster::SlotMap::FromRanges(*engine::cluster::ParseClusterSlots(reply, ""));
}

engine::cluster::CommandKeyTable Keys() {
  auto legacy = [](const std::string& name, int first, int last, int step) {
    return Arr({Str(name), Int(-2), Arr({}), Int(first), Int(last), Int(step), Arr({})});
  };
  return *engine::cluster::CommandKeyTable::FromCommandReply(
      Arr({legacy("set", 1, 1, 1), legacy("del", 1, -1, 1), legacy("restore-asking", 1, 1, 1),
           legacy("ping", 0, 0, 0), legacy("flushall", 0, 0, 0)}));
}

TEST(SourceShardsTest, SlotRangesAreWrittenAscendingAndCompact) {
  SlotSet slots;
  EXPECT_EQ(SlotRangesText(slots), "");
  slots.set(0);
  slots.set(1);
  slots.set(2);
  slots.set(7);
  slots.set(16383);
  EXPECT_EQ(SlotRangesText(slots), "0-2,7,16383");
}

TEST(SourceShardsTest, EveryMasterIsAShardNamedByItsSlots) {
  engine::redis::Endpoint credentials{"127.0.0.1", 7000, "mover", "secret"};
  std::vector<SourceShard> shards = ShardsOf(ThreeMasters(), credentials);
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_EQ(shards[0].slots, "0-99,101-5460");
  EXPECT_EQ(shards[1].slots, "5461-10922");
  EXPECT_EQ(shards[2].slots, "100,10923-16383");
  EXPECT_EQ(shards[2].master.port, 7002);
  EXPECT_EQ(shards[2].master.username, "mover");
  EXPECT_EQ(shards[2].master.password, "secret");
  EXPECT_EQ(shards[0].owned.count() + shards[1].owned.count() + shards[2].owned.count(), 16384u);
}

TEST(SourceShardsTest, TheGuardPassesOwnKeysAndFailsOthersNamingTheSlot) {
  std::vector<SourceShard> shards = ShardsOf(ThreeMasters(), {});
  ShardSlotGuard guard(Keys(), shards[1]);               // 5461-10922
  EXPECT_TRUE(guard.Check({"SET", "key:1", "1"}).ok());  // slot 6657
  EXPECT_TRUE(guard.Check({"PING"}).ok());
  EXPECT_TRUE(guard.Check({"SELECT", "0"}).ok());  // not in the table: passes
  // A slot being imported from another master: RESTORE-ASKING of slot 12182.
  absl::Status moved = guard.Check({"RESTORE-ASKING", "foo", "0", "payload"});
  EXPECT_EQ(moved.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FailureCodeOf(moved), "SOURCE_SLOT_MOVED");
  EXPECT_NE(moved.message().find("slot 12182"), std::string::npos) << moved;
  EXPECT_NE(moved.message().find("5461-10922"), std::string::npos) << moved;
  // Every key is checked, not only the first.
  moved = guard.Check({"DEL", "key:1", "bar"});  // bar: slot 5061
  EXPECT_NE(moved.message().find("slot 5061"), std::string::npos) << moved;
  absl::Status flushed = guard.Check({"flushall"});
  EXPECT_EQ(FailureCodeOf(flushed), "SOURCE_SHARD_FLUSHED");
  EXPECT_NE(flushed.message().find("FLUSHALL"), std::string::npos) << flushed;
  // The only shard of a one-master cluster forwards it.
  SourceShard everything;
  everything.owned.set();
  EXPECT_TRUE(ShardSlotGuard(Keys(), everything).Check({"FLUSHALL"}).ok());
}

}  // namespace
}  // namespace rms::worker
