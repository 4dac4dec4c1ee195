// StreamForwarder between a scripted source (which then closes the link) and a real redis-server
// target: what reaches the target and the position stored for the resume, around transactions
// and database switches.
#include "services/worker/stream_forwarder.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/resp/resp.h"
#include "tests/redis/replication/fake_source.h"
#include "tests/redis/util/redis_test_util.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {
namespace {

using engine::resp::EncodeCommand;

constexpr int64_t kStart = 100;  // the source continues after this offset

struct Outcome {
  absl::Status status;
  storage::Checkpoint applied;
  std::vector<storage::Checkpoint> stored;
};

class StreamForwarderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = test_support::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    target_ = *std::move(server);
  }

  // Streams `commands` after +CONTINUE from a fake source that then closes the link; `skip`
  // lists commands the target already applied (by the offset after each).
  Outcome Forward(const std::string& commands, std::vector<int64_t> skip = {},
                  int64_t start = kStart, worker::TransactionLimits limits = {}) {
    FakeSource fake("+CONTINUE\r\n" + commands, /*close_after_script=*/true);
    auto session = OpenOn(fake, kFakeReplId, start);
    EXPECT_TRUE(session.ok()) << session.status();
    engine::redis::Endpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = target_->port();
    auto client = engine::redis::RedisClient::Connect(endpoint);
    EXPECT_TRUE(client.ok()) << client.status();
    Outcome outcome;
    if (!session.ok() || !client.ok()) return outcome;
    engine::writer::StreamPipeline pipeline(**client, {});
    absl::Mutex mu;
    {
      worker::CheckpointPublisher checkpoints(
          [&](const storage::Checkpoint& checkpoint) {
            absl::MutexLock lock(&mu);
            outcome.stored.push_back(checkpoint);
            return absl::OkStatus();
          },
          absl::Hours(1));
      worker::JobProgress progress;
      worker::TaskContext context;
      worker::StreamForwarder forwarder(
          **session, pipeline, checkpoints, progress,
          storage::Checkpoint{"", kFakeReplId, start, 1, 0, std::move(skip)}, limits);
      outcome.status = forwarder.Run(context);
      outcome.applied = forwarder.applied();
    }
    return outcome;
  }

  std::string Cli(const std::vector<std::string>& args) { return target_->Cli(args).value_or("?"); }

  std::unique_ptr<test_support::RedisServer> target_;
};

TEST_F(StreamForwarderTest, AQuietSourceStillGetsEverythingAcknowledged) {
  // The thread sleeps on the source, not on the target's replies: what was sent must still be
  // acknowledged while the link stays open and the source says nothing more.
  std::string stream;
  for (int i = 0; i < 2500; ++i) stream += EncodeCommand({"INCR", "counter"});  // 3 batches
  // The last batch's replies come 50 ms after it was sent, never in the read that follows a send.
  stream += EncodeCommand({"DEBUG", "SLEEP", "0.05"});
  FakeSource fake("+CONTINUE\r\n" + stream, /*close_after_script=*/false);
  auto session = OpenOn(fake, kFakeReplId, kStart);
  ASSERT_TRUE(session.ok()) << session.status();
  auto client = ClientOf(*target_);
  engine::writer::StreamPipeline pipeline(*client, {});
  worker::CheckpointPublisher checkpoints(
      [](const storage::Checkpoint&) { return absl::OkStatus(); }, absl::Hours(1));
  worker::JobProgress progress;
  worker::TaskContext context;
  worker::StreamForwarder forwarder(**session, pipeline, checkpoints, progress,
                                    storage::Checkpoint{"", kFakeReplId, kStart, 1, 0, {}}, {});
  absl::Status status;
  std::thread runner([&] { status = forwarder.Run(context); });
  const int64_t end = kStart + static_cast<int64_t>(stream.size());
  EXPECT_TRUE(WaitFor([&] { return progress.applied_offset.load() == end; }, absl::Seconds(20)))
      << "applied " << progress.applied_offset.load() << " of " << end;
  EXPECT_EQ(Cli({"GET", "counter"}), "2500");  // each once
  context.Cancel(absl::CancelledError("the test is over"));
  runner.join();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(forwarder.applied().offset, end);
  EXPECT_EQ(Cli({"GET", "counter"}), "2500");
}

TEST_F(StreamForwarderTest, LinkLostInsideATransactionResumesBeforeItsMulti) {
  const std::string before = EncodeCommand({"SET", "a", "1"});
  const std::string partial =
      EncodeCommand({"MULTI"}) + EncodeCommand({"SET", "b", "2"}) + EncodeCommand({"INCR", "n"});
  Outcome outcome = Forward(before + partial);
  EXPECT_EQ(outcome.status.code(), absl::StatusCode::kUnavailable) << outcome.status;
  EXPECT_EQ(Cli({"GET", "a"}), "1");
  EXPECT_EQ(Cli({"EXISTS", "b", "n"}), "0");  // nothing of the unfinished transaction
  const int64_t resume = kStart + static_cast<int64_t>(before.size());
  EXPECT_EQ(outcome.applied.offset, resume);
  ASSERT_FALSE(outcome.stored.empty());
  EXPECT_EQ(outcome.stored.back().offset, resume);
}

TEST_F(StreamForwarderTest, WholeTransactionIsAppliedAndCheckpointedAfterItsExec) {
  const std::string stream = EncodeCommand({"SET", "a", "1"}) + EncodeCommand({"MULTI"}) +
                             EncodeCommand({"SET", "b", "2"}) + EncodeCommand({"INCR", "n"}) +
                             EncodeCommand({"EXEC"}) + kPing;
  Outcome outcome = Forward(stream);
  EXPECT_EQ(outcome.status.code(), absl::StatusCode::kUnavailable) << outcome.status;
  EXPECT_EQ(Cli({"MGET", "a", "b", "n"}), "1\n2\n1");
  const int64_t end = kStart + static_cast<int64_t>(stream.size());  // the PING counts too
  EXPECT_EQ(outcome.applied.offset, end);
  ASSERT_FALSE(outcome.stored.empty());
  EXPECT_EQ(outcome.stored.back().offset, end);
  for (size_t i = 1; i < outcome.stored.size(); ++i) {
    EXPECT_GT(outcome.stored[i].offset, outcome.stored[i - 1].offset);
  }
}

TEST_F(StreamForwarderTest, SelectedDatabaseIsAppliedAndStoredWithTheOffset) {
  const std::string stream = EncodeCommand({"SELECT", "3"}) + EncodeCommand({"SET", "c", "1"}) +
                             kGetAck + EncodeCommand({"SELECT", "5"}) +
                             EncodeCommand({"RPUSH", "l", "x"});
  Outcome outcome = Forward(stream);
  EXPECT_EQ(Cli({"-n", "3", "GET", "c"}), "1");
  EXPECT_EQ(Cli({"-n", "5", "LRANGE", "l", "0", "-1"}), "x");
  EXPECT_EQ(outcome.applied.offset, kStart + static_cast<int64_t>(stream.size()));
  EXPECT_EQ(outcome.applied.db, 5);
  ASSERT_FALSE(outcome.stored.empty());
  EXPECT_EQ(outcome.stored.back().db, 5);
  EXPECT_EQ(outcome.stored.back().replid, kFakeReplId);
}

TEST_F(StreamForwarderTest, TargetErrorStopsTheStreamAndStoresOnlyWhatWasAcknowledged) {
  const std::string good = EncodeCommand({"SET", "s", "x"});
  const std::string stream = good + EncodeCommand({"LPUSH", "s", "y"}) +  // WRONGTYPE
                             EncodeCommand({"SET", "after", "1"});
  Outcome outcome = Forward(stream);
  EXPECT_EQ(outcome.status.code(), absl::StatusCode::kFailedPrecondition) << outcome.status;
  EXPECT_NE(outcome.status.message().find("WRONGTYPE"), std::string::npos) << outcome.status;
  // Exactly the command before the refused one is applied, and stored for the resume.
  EXPECT_EQ(outcome.applied.offset, kStart + static_cast<int64_t>(good.size()));
  ASSERT_FALSE(outcome.stored.empty());
  EXPECT_EQ(outcome.stored.back().offset, kStart + static_cast<int64_t>(good.size()));
}

TEST_F(StreamForwarderTest, CommandsTheTargetAlreadyAppliedAreSkippedOnResume) {
  const std::string incr_n = EncodeCommand({"INCR", "n"});
  const std::string multi =
      EncodeCommand({"MULTI"}) + EncodeCommand({"INCR", "t"}) + EncodeCommand({"INCR", "t"});
  const std::string exec = EncodeCommand({"EXEC"});
  const std::string select = EncodeCommand({"SELECT", "0"});
  const std::string incr_m = EncodeCommand({"INCR", "m"});
  const std::string stream = select + incr_n + multi + exec + incr_m + incr_n;
  const int64_t after_select = kStart + static_cast<int64_t>(select.size());
  const int64_t after_incr_n = after_select + static_cast<int64_t>(incr_n.size());
  const int64_t after_exec =
      after_incr_n + static_cast<int64_t>(multi.size()) + static_cast<int64_t>(exec.size());
  // Listed: the SELECT (applied again all the same), the first INCR n and the transaction.
  Outcome outcome = Forward(stream, {after_select, after_incr_n, after_exec});
  EXPECT_EQ(Cli({"MGET", "n", "t", "m"}), "1\n\n1");  // the second INCR n only; no transaction
  EXPECT_EQ(outcome.applied.offset, kStart + static_cast<int64_t>(stream.size()));
  ASSERT_FALSE(outcome.stored.empty());
  EXPECT_TRUE(outcome.stored.back().skip_offsets.empty());  // all passed
}

// Issue 8: the target holds `s` as a string; the source runs MULTI; INCR a; LPUSH s x; EXEC;
// INCR b. The transaction counts as applied; after DEL s the resume applies nothing twice.
TEST_F(StreamForwarderTest, PartlyFailedTransactionIsNeitherAppliedTwiceNorDropped) {
  ASSERT_EQ(Cli({"SET", "s", "string"}), "OK");
  const std::string transaction = EncodeCommand({"MULTI"}) + EncodeCommand({"INCR", "a"}) +
                                  EncodeCommand({"LPUSH", "s", "x"}) + EncodeCommand({"EXEC"});
  const std::string incr_b = EncodeCommand({"INCR", "b"});
  Outcome outcome = Forward(transaction + incr_b);
  EXPECT_EQ(outcome.status.code(), absl::StatusCode::kFailedPrecondition) << outcome.status;
  EXPECT_NE(outcome.status.message().find("LPUSH for key 's'"), std::string::npos)
      << outcome.status;
  const int64_t after_exec = kStart + static_cast<int64_t>(transaction.size());
  const int64_t after_incr_b = after_exec + static_cast<int64_t>(incr_b.size());
  EXPECT_EQ(outcome.applied.offset, after_exec);
  EXPECT_EQ(outcome.applied.skip_offsets, (std::vector<int64_t>{after_incr_b}));
  EXPECT_EQ(Cli({"MGET", "a", "b"}), "1\n1");
  // The operator fixes the target and restarts: the source continues after the EXEC.
  ASSERT_EQ(Cli({"DEL", "s"}), "1");
  const std::string incr_a = EncodeCommand({"INCR", "a"});
  Outcome resumed = Forward(incr_b + incr_a, outcome.applied.skip_offsets, after_exec);
  EXPECT_EQ(Cli({"MGET", "a", "b"}), "2\n1");  // INCR b skipped, the new INCR a applied
  EXPECT_EQ(resumed.applied.offset, after_incr_b + static_cast<int64_t>(incr_a.size()));
}

TEST_F(StreamForwarderTest, EndlessTransactionFailsAtTheTransactionLimit) {
  std::string stream = EncodeCommand({"SET", "before", "1"}) + EncodeCommand({"MULTI"});
  const int64_t before_multi =
      kStart + static_cast<int64_t>(EncodeCommand({"SET", "before", "1"}).size());
  for (int i = 0; i < 2000; ++i) stream += EncodeCommand({"SET", "k" + std::to_string(i), "v"});
  worker::TransactionLimits limits;
  limits.max_bytes = 16 << 10;
  Outcome outcome = Forward(stream, {}, kStart, limits);
  ASSERT_EQ(outcome.status.code(), absl::StatusCode::kResourceExhausted) << outcome.status;
  EXPECT_EQ(engine::io::LimitCode(outcome.status), "TRANSACTION_TOO_LARGE") << outcome.status;
  EXPECT_NE(outcome.status.message().find("--max-transaction-mb"), std::string::npos);
  EXPECT_EQ(Cli({"GET", "before"}), "1");
  EXPECT_EQ(Cli({"EXISTS", "k0"}), "0");  // nothing of the transaction
  EXPECT_EQ(outcome.applied.offset, before_multi);
}

}  // namespace
}  // namespace rms::test_redis
