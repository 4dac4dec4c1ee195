// DUMP payload framing checked against payloads from a real Redis 7.0 DUMP, and the target table.
#include "services/engine/rdb/restore_payload.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "services/engine/rdb/rdb_format.h"
#include "tests/unit/engine/rdb/rdb_builder.h"
#include "tests/unit/engine/rdb/rdb_test_support.h"

namespace rms::engine::rdb {
namespace {

// `redis-cli DUMP` replies of Redis 7.0.15 (RDB 10) for SET k hello, SET n 12345, RPUSH l a b 1.
constexpr char kDumpHello[] = "000568656c6c6f0a006372df766534200a";
constexpr char kDumpInt[] = "00c139300a009d94ea2793fc08b9";
constexpr char kDumpList[] = "1201020f0f00000003008161028162020101ff0a00e01bab4a47ce5922";

TEST(RestorePayloadTest, MatchesRedisDumpOfAString) {
  std::string dump = absl::HexStringToBytes(kDumpHello);
  EXPECT_EQ(RestorePayload("\x05hello", kTypeString, 10), dump);
}

TEST(RestorePayloadTest, RawCaptureOfTheSameValuesGivesRedisDumpBytes) {
  testing::RdbBuilder b(10);
  b.Byte(kOpSelectDb).Len(0);
  b.Key(kTypeString, "k").Str("hello");
  b.Key(kTypeString, "n").Raw("\xc1\x39\x30");  // RDB_ENC_INT16 12345
  b.Key(kTypeListQuicklist2, "l")
      .Len(1)
      .Len(2)
      .Str(testing::Listpack({std::string("a"), std::string("b"), int64_t{1}}));
  auto c = testing::ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->keys.size(), 3u);
  const char* dumps[] = {kDumpHello, kDumpInt, kDumpList};
  for (size_t i = 0; i < 3; ++i) {
    const auto& k = c->keys[i];
    ASSERT_TRUE(k.raw_captured);
    EXPECT_EQ(absl::BytesToHexString(RestorePayload(k.raw_value, k.header.rdb_type, 10)), dumps[i])
        << k.header.key;
  }
}

TEST(RestorePayloadTest, TargetAcceptsTypesItsVersionKnows) {
  EXPECT_TRUE(TargetAcceptsType(kTypeString, 6));
  EXPECT_TRUE(TargetAcceptsType(kTypeListQuicklist, 7));
  EXPECT_FALSE(TargetAcceptsType(kTypeListQuicklist, 6));
  EXPECT_FALSE(TargetAcceptsType(kTypeListQuicklist2, 9));
  EXPECT_TRUE(TargetAcceptsType(kTypeListQuicklist2, 10));
  EXPECT_TRUE(TargetAcceptsType(kTypeHashListpack, 10));
  EXPECT_FALSE(TargetAcceptsType(kTypeSetListpack, 10));
  EXPECT_TRUE(TargetAcceptsType(kTypeSetListpack, 11));
  EXPECT_FALSE(TargetAcceptsType(kTypeHashListpackEx, 11));
  EXPECT_TRUE(TargetAcceptsType(kTypeHashListpackEx, 12));
  EXPECT_TRUE(TargetAcceptsType(kTypeStreamListpacks, 9));
  EXPECT_FALSE(TargetAcceptsType(kTypeStreamListpacks3, 10));
  EXPECT_FALSE(TargetAcceptsType(kTypeModule2, 12));
  EXPECT_FALSE(TargetAcceptsType(8, 12));
  EXPECT_FALSE(TargetAcceptsType(26, 12));
}

}  // namespace
}  // namespace rms::engine::rdb
