// The replica class of client-output-buffer-limit, and when a backlog is worth a warning.
#include "gtest/gtest.h"
#include "services/worker/source_offset_probe.h"

namespace rms::worker {
namespace {

TEST(ReplicaBufferLimitTest, ParsesTheReplicaClassOfRedis7) {
  auto limit = ParseReplicaBufferLimit(
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->hard_bytes, 268435456);
  EXPECT_EQ(limit->soft_bytes, 67108864);
  EXPECT_EQ(limit->soft_seconds, 60);
  EXPECT_EQ(limit->WarnAt(), 67108864);  // the soft limit is lower than half the hard one
}

TEST(ReplicaBufferLimitTest, AcceptsTheReplicaSpelling) {
  auto limit = ParseReplicaBufferLimit("replica 1000 0 0");
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->hard_bytes, 1000);
  EXPECT_EQ(limit->WarnAt(), 500);
}

TEST(ReplicaBufferLimitTest, NoLimitsMeansNoWarning) {
  auto limit = ParseReplicaBufferLimit("normal 0 0 0 slave 0 0 0 pubsub 0 0 0");
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->WarnAt(), 0);
}

TEST(ReplicaBufferLimitTest, OnlyASoftLimitWarnsAtIt) {
  auto limit = ParseReplicaBufferLimit("slave 0 4096 10");
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->WarnAt(), 4096);
}

TEST(ReplicaBufferLimitTest, MissingOrMalformedIsNullopt) {
  EXPECT_FALSE(ParseReplicaBufferLimit("").has_value());
  EXPECT_FALSE(ParseReplicaBufferLimit("normal 0 0 0 pubsub 1 2 3").has_value());
  EXPECT_FALSE(ParseReplicaBufferLimit("normal 0 0 0 slave 256mb 64mb 60").has_value());
  EXPECT_FALSE(ParseReplicaBufferLimit("normal 0 0 0 slave 1 2").has_value());
}

}  // namespace
}  // namespace rms::worker
