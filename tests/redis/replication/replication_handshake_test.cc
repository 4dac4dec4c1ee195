// ReplicationSession against a scripted fake source: the handshake and both snapshot framings,
// split at every byte, with keep-alives, and the classification of the source's replies.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/replication/replication_session.h"
#include "tests/redis/replication/fake_source.h"
#include "tests/redis/util/redis_test_util.h"

namespace rms::test_redis {
namespace {

using engine::replication::SessionOptions;

const std::string& kReplId = kFakeReplId;
const std::string kMark = "0123456789abcdef0123456789abcdef01234567";

// An RDB-like payload that contains pieces of the mark, to tempt a careless end detection.
std::string TrickyPayload() {
  return "REDIS0010" + kMark.substr(0, 39) + "\r\n" + kMark.substr(0, 1) + std::string(300, 'x') +
         kMark.substr(1) + kMark.substr(0, 20) + "\n$EOF:" + kMark.substr(0, 39);
}

class DisklessSplitTest : public ::testing::TestWithParam<size_t> {};

TEST_P(DisklessSplitTest, SnapshotEndsExactlyBeforeTheMark) {
  const std::string payload = TrickyPayload();
  FakeSource fake("\n\n+FULLRESYNC " + kReplId + " 1000\r\n\n\n$EOF:" + kMark + "\r\n" + payload +
                  kMark + kPing);
  SessionOptions options;
  options.read_chunk_bytes = GetParam();
  auto session = OpenOn(fake, "", -1, options);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_TRUE((*session)->reply().full_resync);
  EXPECT_EQ((*session)->reply().replid, kReplId);
  EXPECT_EQ((*session)->reply().offset, 1000);
  auto snapshot = ReadAll((*session)->snapshot(), 50);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(*snapshot, payload);
  EXPECT_EQ((*session)->snapshot_size(), -1);
  auto ping = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->args, std::vector<std::string>{"PING"});
  EXPECT_EQ(ping->offset, 1014);
  EXPECT_TRUE(fake.Received({"REPLCONF", "listening-port", "0"}));
  EXPECT_TRUE(fake.Received({"REPLCONF", "capa", "eof", "capa", "psync2"}));
  EXPECT_TRUE(fake.Received({"PSYNC", "?", "-1"}));
  // The handover ACK, sent when the stream was first asked for.
  EXPECT_TRUE(WaitFor(
      [&] {
        return fake.Received({"REPLCONF", "ACK", "1000"});
      },
      absl::Seconds(5)));
}

INSTANTIATE_TEST_SUITE_P(ReadChunks, DisklessSplitTest,
                         ::testing::Values(1, 2, 7, 39, 40, 41, 65536));

class DiskSplitTest : public ::testing::TestWithParam<size_t> {};

TEST_P(DiskSplitTest, SnapshotIsExactlyTheAnnouncedLength) {
  FakeSource fake("+FULLRESYNC " + kReplId + " 5\r\n\n\n$13\r\nREDIS\r\n\n$EOF:" + kPing);
  SessionOptions options;
  options.read_chunk_bytes = GetParam();
  auto session = OpenOn(fake, "", -1, options);
  ASSERT_TRUE(session.ok()) << session.status();
  auto snapshot = ReadAll((*session)->snapshot(), 5);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(*snapshot, "REDIS\r\n\n$EOF:");
  EXPECT_EQ((*session)->snapshot_size(), 13);
  auto ping = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->offset, 5 + 14);
}

INSTANTIATE_TEST_SUITE_P(ReadChunks, DiskSplitTest, ::testing::Values(1, 3, 65536));

struct ReplyCase {
  std::string reply;
  absl::StatusCode code;
};

class PsyncReplyTest : public ::testing::TestWithParam<ReplyCase> {};

TEST_P(PsyncReplyTest, IsClassified) {
  FakeSource fake(GetParam().reply + "\r\n");
  auto session = OpenOn(fake);
  EXPECT_EQ(session.status().code(), GetParam().code) << session.status();
  if (absl::StartsWith(GetParam().reply, "-")) {
    EXPECT_TRUE(absl::StrContains(session.status().message(), GetParam().reply.substr(1)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Replies, PsyncReplyTest,
    ::testing::Values(
        ReplyCase{"-LOADING Redis is loading the dataset in memory",
                  absl::StatusCode::kUnavailable},
        ReplyCase{"-NOMASTERLINK Can't SYNC while not connected with my master",
                  absl::StatusCode::kUnavailable},
        ReplyCase{"-NOPERM this user has no permissions to run the 'psync' command",
                  absl::StatusCode::kFailedPrecondition},
        ReplyCase{"-ERR unknown command 'PSYNC'", absl::StatusCode::kFailedPrecondition},
        ReplyCase{"-NOAUTH Authentication required.", absl::StatusCode::kUnauthenticated},
        ReplyCase{"+SOMETHING", absl::StatusCode::kFailedPrecondition},
        ReplyCase{"+FULLRESYNC " + std::string(40, 'b'), absl::StatusCode::kDataLoss},
        ReplyCase{"+FULLRESYNC " + std::string(40, 'b') + " x", absl::StatusCode::kDataLoss},
        ReplyCase{"+CONTINUE", absl::StatusCode::kDataLoss}));  // CONTINUE to `PSYNC ? -1`

TEST(ReplicationProtocolTest, ReplconfErrorsOfOldSourcesAreIgnored) {
  FakeSource fake("+FULLRESYNC " + kReplId + " 0\r\n$0\r\n", /*close_after_script=*/false,
                  "-ERR Unrecognized REPLCONF option\r\n");
  auto session = OpenOn(fake);
  ASSERT_TRUE(session.ok()) << session.status();
  auto snapshot = ReadAll((*session)->snapshot(), 10);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(*snapshot, "");
}

TEST(ReplicationProtocolTest, ReplconfRefusedForCredentialsIsFatal) {
  FakeSource fake("+FULLRESYNC " + kReplId + " 0\r\n$0\r\n", /*close_after_script=*/false,
                  "-NOAUTH Authentication required.\r\n");
  auto session = OpenOn(fake);
  EXPECT_EQ(session.status().code(), absl::StatusCode::kUnauthenticated) << session.status();
  EXPECT_FALSE(fake.Received({"PSYNC", "?", "-1"}));
}

TEST(ReplicationProtocolTest, SnapshotAbortedBySourceIsUnavailable) {
  FakeSource fake("+FULLRESYNC " + kReplId +
                  " 0\r\n\n-ERR BGSAVE failed, replication can't continue\r\n");
  auto session = OpenOn(fake);
  ASSERT_TRUE(session.ok()) << session.status();
  char buffer[16];
  auto read = (*session)->snapshot().Read(buffer, sizeof(buffer));
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable) << read.status();
  EXPECT_TRUE(absl::StrContains(read.status().message(), "BGSAVE failed"));
  EXPECT_EQ((*session)->snapshot().Read(buffer, 1).status().code(),
            absl::StatusCode::kUnavailable);  // sticky
}

TEST(ReplicationProtocolTest, BadSnapshotHeaderIsDataLoss) {
  FakeSource fake("+FULLRESYNC " + kReplId + " 0\r\n+OK\r\n");
  auto session = OpenOn(fake);
  ASSERT_TRUE(session.ok()) << session.status();
  char buffer[16];
  EXPECT_EQ((*session)->snapshot().Read(buffer, sizeof(buffer)).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ReplicationProtocolTest, ContinueWithNewReplIdKeepsTheOffset) {
  FakeSource fake("+CONTINUE " + std::string(40, 'n') + "\r\n" + kPing);
  auto session = OpenOn(fake, kReplId, 41);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_TRUE(fake.Received({"PSYNC", kReplId, "42"}));  // the first byte not applied
  EXPECT_FALSE((*session)->reply().full_resync);
  EXPECT_EQ((*session)->reply().replid, std::string(40, 'n'));
  EXPECT_EQ((*session)->reply().offset, 41);
  auto ping = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->offset, 55);
}

}  // namespace
}  // namespace rms::test_redis
