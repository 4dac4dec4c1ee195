// MasterReplOffset and OffsetSamples: parsing INFO replication and turning offsets into lag.
#include "services/worker/source_offset_probe.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"

namespace rms::worker {
namespace {

// A fixed origin, so every time in these tests is deterministic.
const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

absl::Time T(int64_t seconds) { return kT0 + absl::Seconds(seconds); }

TEST(MasterReplOffsetTest, ReadsTheFieldOfARealReply) {
  EXPECT_EQ(MasterReplOffset("# Replication\r\n"
                             "role:master\r\n"
                             "connected_slaves:1\r\n"
                             "slave0:ip=10.0.0.2,port=6379,state=online,offset=1782702000,lag=0\r\n"
                             "master_failover_state:no-failover\r\n"
                             "master_replid:8f1c0e7f3a3d4b6c9e2a1b0c7d6e5f4a3b2c1d0e\r\n"
                             "master_replid2:0000000000000000000000000000000000000000\r\n"
                             "master_repl_offset:1782702122\r\n"
                             "second_repl_offset:-1\r\n"
                             "repl_backlog_active:1\r\n"
                             "repl_backlog_size:1048576\r\n"
                             "repl_backlog_first_byte_offset:1781653547\r\n"
                             "repl_backlog_histlen:1048576\r\n"),
            1782702122);
}

TEST(MasterReplOffsetTest, FieldOnTheLastLineWithoutNewline) {
  EXPECT_EQ(MasterReplOffset("role:master\r\nmaster_repl_offset:77"), 77);
  EXPECT_EQ(MasterReplOffset("role:master\nmaster_repl_offset:78\n"), 78);
}

TEST(MasterReplOffsetTest, ZeroOnAFreshServer) {
  EXPECT_EQ(MasterReplOffset("master_repl_offset:0\r\n"), 0);
}

TEST(MasterReplOffsetTest, MissingFieldIsNullopt) {
  EXPECT_EQ(MasterReplOffset("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"),
            std::nullopt);
  EXPECT_EQ(MasterReplOffset(""), std::nullopt);
}

TEST(MasterReplOffsetTest, SimilarFieldsAreNotTakenForIt) {
  // A replica reports slave_repl_offset; neither it nor the backlog offsets are the field.
  EXPECT_EQ(MasterReplOffset("slave_repl_offset:5\r\n"
                             "repl_backlog_first_byte_offset:6\r\n"
                             "second_repl_offset:7\r\n"),
            std::nullopt);
}

TEST(MasterReplOffsetTest, GarbageNumberIsNullopt) {
  EXPECT_EQ(MasterReplOffset("master_repl_offset:abc\r\n"), std::nullopt);
}

TEST(MasterReplOffsetTest, EmptyNumberIsNullopt) {
  EXPECT_EQ(MasterReplOffset("master_repl_offset:\r\n"), std::nullopt);
}

TEST(MasterReplOffsetTest, TrailingGarbageIsNullopt) {
  EXPECT_EQ(MasterReplOffset("master_repl_offset:12x\r\n"), std::nullopt);
}

TEST(MasterReplOffsetTest, OverflowingNumberIsNullopt) {
  EXPECT_EQ(MasterReplOffset("master_repl_offset:99999999999999999999\r\n"), std::nullopt);
}

TEST(OffsetSamplesTest, EmptySamplesKnowNothing) {
  OffsetSamples samples;
  EXPECT_EQ(samples.latest(), std::nullopt);
  EXPECT_EQ(samples.Behind(0, T(10)), absl::ZeroDuration());
  samples.Trim(T(10));
  EXPECT_EQ(samples.latest(), std::nullopt);
}

TEST(OffsetSamplesTest, LatestIsTheNewestOffset) {
  OffsetSamples samples;
  samples.Add(T(0), 100);
  EXPECT_EQ(samples.latest(), 100);
  samples.Add(T(1), 250);
  EXPECT_EQ(samples.latest(), 250);
}

TEST(OffsetSamplesTest, BehindCountsFromTheOldestSampleBeyondApplied) {
  OffsetSamples samples;
  samples.Add(T(0), 100);
  samples.Add(T(1), 200);
  samples.Add(T(2), 300);
  EXPECT_EQ(samples.Behind(99, T(5)), absl::Seconds(5));
  EXPECT_EQ(samples.Behind(100, T(5)), absl::Seconds(4));
  EXPECT_EQ(samples.Behind(150, T(5)), absl::Seconds(4));
  EXPECT_EQ(samples.Behind(299, T(5)), absl::Seconds(3));
}

TEST(OffsetSamplesTest, BehindIsZeroWhenEverythingIsApplied) {
  OffsetSamples samples;
  samples.Add(T(0), 100);
  samples.Add(T(1), 200);
  EXPECT_EQ(samples.Behind(200, T(5)), absl::ZeroDuration());
  EXPECT_EQ(samples.Behind(1000, T(5)), absl::ZeroDuration());
}

TEST(OffsetSamplesTest, BehindIsNeverNegative) {
  OffsetSamples samples;
  samples.Add(T(10), 100);
  EXPECT_EQ(samples.Behind(0, T(5)), absl::ZeroDuration());
}

TEST(OffsetSamplesTest, EqualOffsetKeepsTheFirstTimeItWasSeen) {
  OffsetSamples samples;
  samples.Add(T(0), 100);
  samples.Add(T(10), 100);
  samples.Add(T(20), 100);
  EXPECT_EQ(samples.latest(), 100);
  EXPECT_EQ(samples.Behind(50, T(30)), absl::Seconds(30));
  // Repeats were not kept as samples: trimming cannot replace T(0) by a later sighting of 100.
  samples.Trim(T(15));
  EXPECT_EQ(samples.Behind(50, T(30)), absl::Seconds(30));
}

TEST(OffsetSamplesTest, SmallerOffsetStartsOver) {
  OffsetSamples samples;
  samples.Add(T(0), 100);
  samples.Add(T(1), 200);
  samples.Add(T(2), 50);  // the source restarted
  EXPECT_EQ(samples.latest(), 50);
  // The samples before the restart are gone: only the one at T(2) says anything.
  EXPECT_EQ(samples.Behind(10, T(5)), absl::Seconds(3));
  EXPECT_EQ(samples.Behind(60, T(5)), absl::ZeroDuration());
  samples.Add(T(3), 80);
  EXPECT_EQ(samples.Behind(60, T(5)), absl::Seconds(2));
}

class OffsetSamplesTrimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    samples_.Add(T(0), 100);
    samples_.Add(T(10), 200);
    samples_.Add(T(20), 300);
    samples_.Add(T(30), 400);
  }
  // How old the oldest sample still kept is, seen from T(40).
  absl::Duration OldestAge() const { return samples_.Behind(0, T(40)); }

  OffsetSamples samples_;
};

TEST_F(OffsetSamplesTrimTest, KeepsTheNewestSampleBeforeTheCut) {
  samples_.Trim(T(25));
  EXPECT_EQ(OldestAge(), absl::Seconds(20));
  EXPECT_EQ(samples_.latest(), 400);
}

TEST_F(OffsetSamplesTrimTest, KeepsASampleExactlyAtTheCut) {
  samples_.Trim(T(20));
  EXPECT_EQ(OldestAge(), absl::Seconds(20));
}

TEST_F(OffsetSamplesTrimTest, CutBeforeEverySampleKeepsAll) {
  samples_.Trim(T(-100));
  EXPECT_EQ(OldestAge(), absl::Seconds(40));
}

TEST_F(OffsetSamplesTrimTest, CutAfterEverySampleKeepsTheNewest) {
  samples_.Trim(T(1000));
  EXPECT_EQ(OldestAge(), absl::Seconds(10));
  EXPECT_EQ(samples_.latest(), 400);
}

TEST_F(OffsetSamplesTrimTest, TrimmedSamplesNoLongerAnswerBehind) {
  EXPECT_EQ(samples_.Behind(150, T(40)), absl::Seconds(30));
  samples_.Trim(T(25));
  // 150 was passed at T(10), but only the sample at T(20) (offset 300) is left: a lower bound.
  EXPECT_EQ(samples_.Behind(150, T(40)), absl::Seconds(20));
}

}  // namespace
}  // namespace rms::worker
