// Unit tests of the target fence's naming and CLIENT LIST matching.
#include "services/worker/target_fence.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace rms::worker {
namespace {

constexpr char kList[] =
    "id=3 addr=127.0.0.1:5001 laddr=127.0.0.1:6379 fd=8 name=rms:t1:1 age=9 cmd=incr\n"
    "id=4 addr=127.0.0.1:5002 laddr=127.0.0.1:6379 fd=9 name= age=9 cmd=client|list\n"
    "id=5 addr=127.0.0.1:5003 laddr=127.0.0.1:6379 fd=10 name=rms:t1:2 age=1 cmd=client\n"
    "id=6 addr=127.0.0.1:5004 laddr=127.0.0.1:6379 fd=11 name=rms:t10:1 age=1 cmd=set\n"
    "id=7 addr=127.0.0.1:5005 laddr=127.0.0.1:6379 fd=12 name=rms:t1:x age=1 cmd=set\n";

TEST(TargetFenceTest, NamesCarryTaskAndEpoch) { EXPECT_EQ(ApplierClientName("t1", 7), "rms:t1:7"); }

TEST(TargetFenceTest, FindsOnlyOlderEpochsOfTheSameTask) {
  ApplierConnections found = FindApplierConnections(kList, "t1", 3);
  EXPECT_EQ(found.older_ids, (std::vector<int64_t>{3, 5}));  // not t10, not unnamed, not "x"
  EXPECT_EQ(found.newest_epoch, 2);
}

TEST(TargetFenceTest, OwnEpochIsNotOlder) {
  ApplierConnections found = FindApplierConnections(kList, "t1", 2);
  EXPECT_EQ(found.older_ids, (std::vector<int64_t>{3}));
  EXPECT_EQ(found.newest_epoch, 2);
}

TEST(TargetFenceTest, NewerEpochIsReported) {
  ApplierConnections found = FindApplierConnections(kList, "t1", 1);
  EXPECT_TRUE(found.older_ids.empty());
  EXPECT_EQ(found.newest_epoch, 2);
}

TEST(TargetFenceTest, CrLfAndEmptyListsAreHandled) {
  EXPECT_TRUE(FindApplierConnections("", "t1", 2).older_ids.empty());
  EXPECT_EQ(FindApplierConnections("id=9 name=rms:t1:1\r\n", "t1", 2).older_ids,
            (std::vector<int64_t>{9}));
}

TEST(TargetFenceTest, HandoverNamesRoundTrip) {
  const Handover handover{4, "8de1f2", 123456, 3};
  const std::string name = HandoverClientName("t1", handover);
  EXPECT_EQ(name, "rms:t1:4:ho:8de1f2:123456:3");
  ApplierConnections found =
      FindApplierConnections(absl::StrCat("id=11 name=", name, " age=1\n"), "t1", 5);
  EXPECT_EQ(found.older_ids, (std::vector<int64_t>{11}));
  EXPECT_TRUE(found.unsettled_ids.empty());
  ASSERT_EQ(found.handovers.size(), 1u);
  EXPECT_EQ(found.handovers[0].epoch, 4);
  EXPECT_EQ(found.handovers[0].replid, "8de1f2");
  EXPECT_EQ(found.handovers[0].offset, 123456);
  EXPECT_EQ(found.handovers[0].db, 3);
}

TEST(TargetFenceTest, PlainOlderConnectionsAreUnsettled) {
  ApplierConnections found = FindApplierConnections(kList, "t1", 3);
  EXPECT_EQ(found.unsettled_ids, (std::vector<int64_t>{3, 5}));
  EXPECT_TRUE(found.handovers.empty());
}

TEST(TargetFenceTest, OnlyTheNewestOlderOwnersHandoverCounts) {
  // Epoch 2 was still connected without a handover: it may have applied past epoch 1's position.
  constexpr char kMixed[] =
      "id=1 name=rms:t1:1:ho:ab:100:0 age=9\n"
      "id=2 name=rms:t1:2 age=3\n";
  ApplierConnections found = FindApplierConnections(kMixed, "t1", 3);
  EXPECT_EQ(found.older_ids, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(found.unsettled_ids, (std::vector<int64_t>{2}));
  EXPECT_TRUE(found.handovers.empty());
  // Without epoch 2, epoch 1's handover is the one.
  found = FindApplierConnections("id=1 name=rms:t1:1:ho:ab:100:0 age=9\n", "t1", 3);
  ASSERT_EQ(found.handovers.size(), 1u);
  EXPECT_EQ(found.handovers[0].offset, 100);
}

TEST(TargetFenceTest, EachShardsHandoverOfTheNewestOlderOwnerIsKept) {
  // A cluster source: every shard leaves its own history's position, on every master of a cluster
  // target (the same name several times).
  constexpr char kShards[] =
      "id=1 name=rms:t1:2:ho:aa:100:0 age=9\n"
      "id=2 name=rms:t1:2:ho:bb:700:0 age=9\n"
      "id=3 name=rms:t1:2:ho:aa:100:0 age=9\n"
      "id=4 name=rms:t1:1:ho:cc:5:0 age=20\n";
  ApplierConnections found = FindApplierConnections(kShards, "t1", 3);
  EXPECT_EQ(found.older_ids, (std::vector<int64_t>{1, 2, 3, 4}));
  ASSERT_EQ(found.handovers.size(), 2u);
  EXPECT_EQ(found.handovers[0].replid, "aa");
  EXPECT_EQ(found.handovers[0].offset, 100);
  EXPECT_EQ(found.handovers[1].replid, "bb");
  EXPECT_EQ(found.handovers[1].offset, 700);
}

TEST(TargetFenceTest, MalformedHandoverNamesAreIgnored) {
  for (const char* name : {"rms:t1:1:ho", "rms:t1:1:ho::5:0", "rms:t1:1:ho:ab:x:0",
                           "rms:t1:1:xx:ab:5:0", "rms:t1:1:ho:ab:5:0:9"}) {
    ApplierConnections found =
        FindApplierConnections(absl::StrCat("id=4 name=", name, " age=1\n"), "t1", 2);
    EXPECT_TRUE(found.older_ids.empty()) << name;
    EXPECT_TRUE(found.handovers.empty()) << name;
  }
}

}  // namespace
}  // namespace rms::worker
