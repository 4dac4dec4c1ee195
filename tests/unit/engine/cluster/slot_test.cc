// Key slots as Redis Cluster computes them (values from CLUSTER KEYSLOT of Redis 7.0).
#include "services/engine/cluster/slot.h"

#include <gtest/gtest.h>

namespace rms::engine::cluster {
namespace {

TEST(SlotTest, Crc16IsXmodem) { EXPECT_EQ(Crc16("123456789"), 0x31C3); }

TEST(SlotTest, KnownKeys) {
  EXPECT_EQ(SlotOf("foo"), 12182);
  EXPECT_EQ(SlotOf("somekey"), 11058);
  EXPECT_EQ(SlotOf(""), 0);
}

TEST(SlotTest, HashTagsPickTheHashedPart) {
  EXPECT_EQ(HashTagOf("{user1000}.following"), "user1000");
  EXPECT_EQ(SlotOf("{user1000}.following"), SlotOf("{user1000}.followers"));
  EXPECT_EQ(SlotOf("foo{hash_tag}"), SlotOf("hash_tag"));
  EXPECT_EQ(HashTagOf("foo{}{bar}"), "foo{}{bar}");    // an empty first tag: the whole key
  EXPECT_EQ(HashTagOf("foo{{bar}}zap"), "{bar");       // up to the first '}'
  EXPECT_EQ(HashTagOf("foo{bar}{zap}"), "bar");        // only the first tag
  EXPECT_EQ(HashTagOf("no}tag{here"), "no}tag{here");  // '{' without a '}' after it
}

TEST(SlotTest, EverySlotIsInRange) {
  for (int i = 0; i < 100000; ++i) {
    const int slot = SlotOf(std::to_string(i));
    ASSERT_GE(slot, 0);
    ASSERT_LT(slot, kClusterSlots);
  }
}

}  // namespace
}  // namespace rms::engine::cluster
