// KeysInKeyspace: sums keys=N over the db lines of an INFO keyspace reply.
#include "services/worker/dbsize_probe.h"

#include <gtest/gtest.h>

namespace rms::worker {
namespace {

TEST(KeysInKeyspaceTest, SumsEveryDatabaseOfARealReply) {
  EXPECT_EQ(KeysInKeyspace("# Keyspace\r\n"
                           "db0:keys=12,expires=3,avg_ttl=1000\r\n"
                           "db3:keys=5,expires=0,avg_ttl=0\r\n"
                           "db15:keys=100000,expires=0,avg_ttl=0\r\n"),
            100017);
}

TEST(KeysInKeyspaceTest, EmptyServerHasNoDbLines) {
  EXPECT_EQ(KeysInKeyspace("# Keyspace\r\n"), 0);
  EXPECT_EQ(KeysInKeyspace(""), 0);
}

TEST(KeysInKeyspaceTest, NewerFieldsAfterKeysAreIgnored) {
  // Redis 7.4 adds subexpiry.
  EXPECT_EQ(KeysInKeyspace("db0:keys=7,expires=1,avg_ttl=5,subexpiry=2\r\n"), 7);
}

TEST(KeysInKeyspaceTest, LastLineWithoutNewlineOrCarriageReturn) {
  EXPECT_EQ(KeysInKeyspace("db0:keys=4,expires=0,avg_ttl=0\ndb1:keys=6,expires=0,avg_ttl=0"), 10);
}

TEST(KeysInKeyspaceTest, KeysAsTheLastField) {
  EXPECT_EQ(KeysInKeyspace("db0:keys=9\r\n"), 9);
  EXPECT_EQ(KeysInKeyspace("db0:keys=9"), 9);
}

TEST(KeysInKeyspaceTest, NonDbLinesAreSkipped) {
  EXPECT_EQ(
      KeysInKeyspace("# Keyspace\r\nkeys=50\r\nused_memory:keys=3\r\ndb2:keys=1,expires=0\r\n"), 1);
}

TEST(KeysInKeyspaceTest, MalformedCountsAreSkipped) {
  EXPECT_EQ(KeysInKeyspace("db0:keys=abc,expires=0\r\ndb1:keys=,expires=0\r\n"
                           "db2:expires=0\r\ndb3:keys=2,expires=0\r\n"),
            2);
}

}  // namespace
}  // namespace rms::worker
