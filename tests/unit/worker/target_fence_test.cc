// Unit tests of the target fence's naming and CLIENT LIST matching.
#include "services/worker/target_fence.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rms::worker
