// Unit tests of the comparison rules, TTL tolerance edges in particular.
#include "services/verify/key_compare.h"

#include <gtest/gtest.h>

namespace rms::verify {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// A key read by a pipeline sent at kT0 + `sent_ms` and answered `rtt_ms` later.
KeyState Key(std::string type, std::string digest, int64_t pttl_ms, int64_t sent_ms = 0,
             int64_t rtt_ms = 0) {
  KeyState state;
  state.exists = true;
  state.type = std::move(type);
  state.digest = std::move(digest);
  state.pttl_ms = pttl_ms;
  state.sent = kT0 + absl::Milliseconds(sent_ms);
  state.received = state.sent + absl::Milliseconds(rtt_ms);
  return state;
}

KeyState Absent(int64_t sent_ms = 0) {
  KeyState state;
  state.sent = state.received = kT0 + absl::Milliseconds(sent_ms);
  return state;
}

std::optional<Problem> Compare(const KeyState& s, const KeyState& t, int tolerance_ms = 1000) {
  return CompareKey(s, t, absl::Milliseconds(tolerance_ms));
}

TEST(KeyCompareTest, EqualKeysAgree) {
  EXPECT_EQ(Compare(Key("hash", "d", -1), Key("hash", "d", -1)), std::nullopt);
  EXPECT_EQ(Compare(Absent(), Absent()), std::nullopt);
}

TEST(KeyCompareTest, PresenceTypeValueInThatOrder) {
  EXPECT_EQ(Compare(Key("string", "a", -1), Absent()), Problem::kMissing);
  EXPECT_EQ(Compare(Absent(), Key("string", "a", -1)), Problem::kExtra);
  // A different type also has a different digest and TTL: it counts once, as a type problem.
  EXPECT_EQ(Compare(Key("string", "a", -1), Key("list", "b", 5000)), Problem::kType);
  EXPECT_EQ(Compare(Key("string", "a", -1), Key("string", "b", 5000)), Problem::kValue);
}

TEST(KeyCompareTest, TtlOnOneSideOnly) {
  EXPECT_EQ(Compare(Key("set", "d", -1), Key("set", "d", 100000)), Problem::kTtl);
  EXPECT_EQ(Compare(Key("set", "d", 100000), Key("set", "d", -1)), Problem::kTtl);
  // A large tolerance does not excuse a missing expiry.
  EXPECT_EQ(Compare(Key("set", "d", -1), Key("set", "d", 100000), 3600000), Problem::kTtl);
}

TEST(KeyCompareTest, TtlToleranceEdges) {
  // Both read at the same instant: the difference of the PTTLs is the gap.
  EXPECT_EQ(Compare(Key("string", "d", 10000), Key("string", "d", 11000)), std::nullopt);
  EXPECT_EQ(Compare(Key("string", "d", 10000), Key("string", "d", 11001)), Problem::kTtl);
  EXPECT_EQ(Compare(Key("string", "d", 11001), Key("string", "d", 10000)), Problem::kTtl);
  EXPECT_EQ(Compare(Key("string", "d", 10000), Key("string", "d", 10000), 0), std::nullopt);
  EXPECT_EQ(Compare(Key("string", "d", 10000), Key("string", "d", 10001), 0), Problem::kTtl);
}

TEST(KeyCompareTest, TimeBetweenTheReadsIsNotATtlDifference) {
  // The target was read 5 s later: its PTTL is 5 s lower for the same absolute expiry.
  EXPECT_EQ(Compare(Key("zset", "d", 60000, 0), Key("zset", "d", 55000, 5000), 0), std::nullopt);
  // Replies that took 30 ms leave 30 ms of doubt, even with no tolerance.
  EXPECT_EQ(Compare(Key("zset", "d", 60000, 0, 30), Key("zset", "d", 60030, 0, 0), 0),
            std::nullopt);
  EXPECT_EQ(Compare(Key("zset", "d", 60000, 0, 30), Key("zset", "d", 60031, 0, 0), 0),
            Problem::kTtl);
}

TEST(KeyCompareTest, ExpiryGapOfWindows) {
  EXPECT_EQ(ExpiryGap(Key("s", "", 1000, 0, 10), Key("s", "", 1005, 0, 10)), absl::ZeroDuration());
  EXPECT_EQ(ExpiryGap(Key("s", "", 1000, 0, 10), Key("s", "", 1100, 0, 10)),
            absl::Milliseconds(90));
}

TEST(KeyCompareTest, KeysExpiringBetweenTheReadsAreNotMissing) {
  // 300 ms left on the source; the target was read 2 s later and no longer has it.
  EXPECT_EQ(Compare(Key("string", "d", 300, 0), Absent(2000)), std::nullopt);
  // Within the tolerance of the target's read: still not missing.
  EXPECT_EQ(Compare(Key("string", "d", 2900, 0), Absent(2000), 1000), std::nullopt);
  // An hour left: it really is missing.
  EXPECT_EQ(Compare(Key("string", "d", 3600000, 0), Absent(2000)), Problem::kMissing);
  // Same on the target side for extra keys.
  EXPECT_EQ(Compare(Absent(2000), Key("string", "d", 300, 0)), std::nullopt);
  EXPECT_EQ(Compare(Absent(0), Key("string", "d", 3600000, 0)), Problem::kExtra);
}

}  // namespace
}  // namespace rms::verify
