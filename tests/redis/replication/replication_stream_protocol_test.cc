// ReplicationSession against a scripted fake source: the command stream's offsets, ACKs (periodic
// and GETACK), deadlines, errors and throttling.
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

using engine::replication::ByteThrottle;
using engine::replication::ReplicatedCommand;
using engine::replication::SessionOptions;

const std::string& kReplId = kFakeReplId;

TEST(ReplicationProtocolTest, AcksPeriodicallyWhileWaitingForCommands) {
  FakeSource fake("+CONTINUE\r\n");
  SessionOptions options;
  options.ack_interval = absl::Milliseconds(50);
  auto session = OpenOn(fake, kReplId, 7, options);
  ASSERT_TRUE(session.ok()) << session.status();
  const absl::Time start = absl::Now();
  auto none = (*session)->NextCommand(absl::Now() + absl::Milliseconds(300));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
  int acks = 0;
  for (const auto& command : fake.commands()) {
    acks += command == std::vector<std::string>{"REPLCONF", "ACK", "7"};
  }
  EXPECT_GE(acks, 3);  // one per 50 ms while blocked for 300 ms (the last may be in flight)
}

TEST(ReplicationProtocolTest, GetAckIsAnsweredWithTheAppliedOffset) {
  const std::string set1 = engine::resp::EncodeCommand({"SET", "a", "1"});
  const std::string set2 = engine::resp::EncodeCommand({"SET", "b", "2"});
  FakeSource fake("+CONTINUE\r\n" + set1 + kGetAck + set2 + kGetAck);
  auto session = OpenOn(fake, kReplId, 100);
  ASSERT_TRUE(session.ok()) << session.status();
  auto first = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->offset, 100 + static_cast<int64_t>(set1.size()));
  // Read but not applied: the GETACK in between is answered with 100.
  auto second = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->args, (std::vector<std::string>{"SET", "b", "2"}));
  EXPECT_EQ(second->offset, first->offset + 37 + static_cast<int64_t>(set2.size()));
  EXPECT_TRUE(WaitFor([&] { return fake.Received({"REPLCONF", "ACK", "100"}); }, absl::Seconds(5)));
  // Everything returned is applied: the next GETACK is answered with the offset after itself.
  ASSERT_TRUE((*session)->SetAppliedOffset(second->offset).ok());
  auto none = (*session)->NextCommand(absl::Now() + absl::Milliseconds(200));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kDeadlineExceeded);
  const int64_t end = second->offset + 37;
  EXPECT_EQ((*session)->read_offset(), end);
  EXPECT_TRUE(WaitFor(
      [&] {
        return fake.Received({"REPLCONF", "ACK", absl::StrCat(end)});
      },
      absl::Seconds(5)));
  ASSERT_TRUE((*session)->SendAck().ok());
}

TEST(ReplicationProtocolTest, DeadlineExceededKeepsPartialCommands) {
  FakeSource fake("+CONTINUE\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel");
  auto session = OpenOn(fake, kReplId, 0);
  ASSERT_TRUE(session.ok()) << session.status();
  auto partial = (*session)->NextCommand(absl::Now() + absl::Milliseconds(100));
  EXPECT_EQ(partial.status().code(), absl::StatusCode::kDeadlineExceeded);
  fake.Send("lo\r\n");
  auto echo = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_EQ(echo->args, (std::vector<std::string>{"ECHO", "hello"}));
  EXPECT_EQ(echo->offset, 25);
}

TEST(ReplicationProtocolTest, NonCommandInTheStreamIsDataLoss) {
  FakeSource fake("+CONTINUE\r\n" + kPing + ":1\r\n");
  auto session = OpenOn(fake, kReplId, 0);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->NextCommand(absl::Now() + absl::Seconds(10)).ok());
  auto bad = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss) << bad.status();
}

TEST(ReplicationProtocolTest, SourceClosingIsUnavailable) {
  FakeSource fake("+CONTINUE\r\n" + kPing, /*close_after_script=*/true);
  auto session = OpenOn(fake, kReplId, 0);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->NextCommand(absl::Now() + absl::Seconds(10)).ok());
  auto closed = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kUnavailable) << closed.status();
}

TEST(ReplicationProtocolTest, StreamBeforeTheSnapshotEndIsRefused) {
  FakeSource fake("+FULLRESYNC " + kReplId + " 0\r\n$10\r\n0123456789" + kPing);
  auto session = OpenOn(fake);
  ASSERT_TRUE(session.ok()) << session.status();
  char buffer[3];
  ASSERT_TRUE((*session)->snapshot().Read(buffer, sizeof(buffer)).ok());
  auto early = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition) << early.status();
}

// Counts what it is charged; fails with CANCELLED once `fail` is set.
class CountingThrottle : public ByteThrottle {
 public:
  absl::Status Acquire(size_t bytes) override {
    if (fail) return absl::CancelledError("task stopped");
    ++calls;
    charged += bytes;
    return absl::OkStatus();
  }
  bool fail = false;
  int calls = 0;
  size_t charged = 0;
};

TEST(ReplicationProtocolTest, ThrottleIsChargedForEveryByteBeforeTheNextRead) {
  std::string stream;
  for (int i = 0; i < 50; ++i) stream += kPing;
  FakeSource fake("+FULLRESYNC " + kReplId + " 0\r\n$20\r\n" + std::string(20, 'r') + stream);
  CountingThrottle throttle;
  SessionOptions options;
  options.read_chunk_bytes = 7;
  options.throttle = &throttle;
  auto session = OpenOn(fake, "", -1, options);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE(ReadAll((*session)->snapshot(), 64).ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE((*session)->NextCommand(absl::Now() + absl::Seconds(10)).ok());
  }
  // Every read but the last one was paid for before the following read.
  const uint64_t received = (*session)->bytes_received();
  EXPECT_LE(throttle.charged, received);
  EXPECT_GE(throttle.charged + 7, received);
  EXPECT_GT(throttle.calls, 50);
}

TEST(ReplicationProtocolTest, ThrottleErrorStopsTheStream) {
  FakeSource fake("+CONTINUE\r\n" + kPing);
  CountingThrottle throttle;
  SessionOptions options;
  options.read_chunk_bytes = 1;  // the handshake reads exactly up to the end of its reply
  options.throttle = &throttle;
  auto session = OpenOn(fake, kReplId, 0, options);
  ASSERT_TRUE(session.ok()) << session.status();
  throttle.fail = true;
  auto next = (*session)->NextCommand(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(next.status().code(), absl::StatusCode::kCancelled) << next.status();
}

}  // namespace
}  // namespace rms::test_redis
