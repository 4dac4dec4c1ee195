// StreamPipeline against a real redis-server: batches in flight applied in order, acknowledged in
// order, bounded unacknowledged bytes, errors that stop acknowledgement before their batch.
#include "services/engine/writer/stream_pipeline.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_writer {
namespace {

using engine::redis::RedisClient;
using engine::writer::StreamMark;
using engine::writer::StreamPipeline;
using engine::writer::StreamPipelineOptions;
using test_support::RedisServer;

StreamMark MarkAt(int64_t offset, int db = 0) {
  StreamMark mark;
  mark.offset = offset;
  mark.db = db;
  return mark;
}

class StreamPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test_support::RedisServerOptions options;
    options.password = kTargetPassword;
    auto server = RedisServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto client = RedisClient::Connect(EndpointOf(*server_));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  std::string Cli(const std::vector<std::string>& args) {
    auto out = server_->Cli(args);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : "";
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisClient> client_;
};

TEST_F(StreamPipelineTest, ManyBatchesInFlightAreAppliedAndAcknowledgedInOrder) {
  StreamPipelineOptions options;
  options.batch_commands = 100;
  options.max_unacked_bytes = 64u << 20;
  StreamPipeline pipeline(*client_, options);
  constexpr int kCommands = 40000;
  int64_t last_acked = -1;
  int batches = 0;
  for (int i = 1; i <= kCommands; ++i) {
    pipeline.Add({"RPUSH", "order", std::to_string(i)});
    if (pipeline.open_full() || i == kCommands) {
      ASSERT_TRUE(pipeline.Send(MarkAt(i, i % 16)).ok());
      ++batches;
      if (pipeline.acked()) {
        EXPECT_GE(pipeline.acked()->offset, last_acked);
        last_acked = pipeline.acked()->offset;
      }
    }
  }
  EXPECT_EQ(batches, kCommands / 100);
  ASSERT_TRUE(pipeline.Collect(absl::Now() + absl::Seconds(30)).ok());
  ASSERT_TRUE(pipeline.all_acked());
  ASSERT_TRUE(pipeline.acked().has_value());
  EXPECT_EQ(pipeline.acked()->offset, kCommands);
  EXPECT_EQ(pipeline.acked()->db, kCommands % 16);
  EXPECT_EQ(pipeline.stats().commands_acked, static_cast<uint64_t>(kCommands));
  EXPECT_EQ(pipeline.stats().batches_acked, static_cast<uint64_t>(batches));
  EXPECT_EQ(pipeline.unacked_bytes(), 0u);
  // Several batches were on the wire at once: the point of the pipeline.
  EXPECT_GT(pipeline.stats().peak_unacked_bytes, pipeline.stats().bytes_acked / batches * 2);
  EXPECT_EQ(Cli({"LLEN", "order"}), std::to_string(kCommands));
  EXPECT_EQ(Cli({"LINDEX", "order", "0"}), "1");
  EXPECT_EQ(Cli({"LINDEX", "order", "19999"}), "20000");
  EXPECT_EQ(Cli({"LINDEX", "order", "-1"}), std::to_string(kCommands));
}

TEST_F(StreamPipelineTest, UnacknowledgedBytesStayWithinTheBound) {
  StreamPipelineOptions options;
  options.batch_bytes = 4096;
  options.max_unacked_bytes = 16384;
  StreamPipeline pipeline(*client_, options);
  const std::string value(1000, 'v');
  for (int i = 1; i <= 2000; ++i) {
    pipeline.Add({"SET", absl::StrCat("k", i), value});
    if (pipeline.open_full()) ASSERT_TRUE(pipeline.Send(MarkAt(i)).ok());
    ASSERT_LE(pipeline.unacked_bytes(), options.max_unacked_bytes);
  }
  ASSERT_TRUE(pipeline.Send(MarkAt(2000)).ok());
  ASSERT_TRUE(pipeline.Collect(absl::Now() + absl::Seconds(30)).ok());
  // At most the bound plus the batch that crossed it (a batch may pass batch_bytes by a command).
  EXPECT_LE(pipeline.stats().peak_unacked_bytes, 16384u + 4096u + 1100u);
  EXPECT_EQ(Cli({"DBSIZE"}), "2000");
}

TEST_F(StreamPipelineTest, ErrorReplyStopsAcknowledgementBeforeItsBatchAndSticks) {
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"SET", "a", "1"});
  ASSERT_TRUE(pipeline.Send(MarkAt(10)).ok());
  pipeline.Add({"SET", "s", "x"});
  pipeline.Add({"LPUSH", "s", "y"});  // WRONGTYPE
  (void)pipeline.Send(MarkAt(20));    // the error may surface here or later
  pipeline.Add({"SET", "c", "3"});
  (void)pipeline.Send(MarkAt(30));
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "LPUSH")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "key 's'")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "WRONGTYPE")) << status;
  ASSERT_TRUE(pipeline.acked().has_value());
  EXPECT_EQ(pipeline.acked()->offset, 10);
  EXPECT_EQ(pipeline.Send(MarkAt(40)), status);
  EXPECT_EQ(pipeline.Collect(absl::Now()), status);
}

TEST_F(StreamPipelineTest, RefusedCommandAcknowledgesExactlyTheCommandsBeforeIt) {
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"SET", "a", "1"}, MarkAt(10, 0));
  pipeline.Add({"SELECT", "2"}, MarkAt(20, 2));
  pipeline.Add({"SET", "s", "x"}, MarkAt(30, 2));
  pipeline.Add({"LPUSH", "s", "y"}, MarkAt(40, 2));  // WRONGTYPE: not applied
  pipeline.Add({"SET", "c", "3"}, MarkAt(50, 2));
  (void)pipeline.Send(MarkAt(50, 2));
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  ASSERT_TRUE(pipeline.acked().has_value());
  EXPECT_EQ(pipeline.acked()->offset, 30);
  EXPECT_EQ(pipeline.acked()->db, 2);
  EXPECT_EQ(pipeline.stats().commands_acked, 3u);
}

TEST_F(StreamPipelineTest, SettlingAfterARefusalListsWhatTheTargetStillApplied) {
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"SET", "s", "x"}, MarkAt(10));
  pipeline.Add({"LPUSH", "s", "y"}, MarkAt(20));  // refused
  pipeline.Add({"INCR", "n"}, MarkAt(30));        // applied anyway
  pipeline.Add({"LPUSH", "s", "z"}, MarkAt(40));  // refused
  pipeline.Add({"SET", "t", "1"}, MarkAt(50));    // applied anyway
  ASSERT_TRUE(pipeline.Send(MarkAt(50)).ok() || pipeline.refused());
  pipeline.Add({"INCR", "n"}, MarkAt(60));
  (void)pipeline.Send(MarkAt(60));  // may already return the refusal: then it is not sent
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(pipeline.refused()) << status;
  ASSERT_TRUE(pipeline.SettleAfterRefusal(absl::Now() + absl::Seconds(10)).ok());
  EXPECT_TRUE(pipeline.all_acked());
  EXPECT_EQ(pipeline.acked()->offset, 10);
  const std::vector<int64_t>& applied = pipeline.applied_after_refusal();
  const std::string n = Cli({"GET", "n"});
  if (n == "2") {
    EXPECT_EQ(applied, (std::vector<int64_t>{30, 50, 60}));
  } else {
    EXPECT_EQ(n, "1");  // the refusal arrived before the second batch was sent
    EXPECT_EQ(applied, (std::vector<int64_t>{30, 50}));
  }
  EXPECT_EQ(pipeline.Collect(absl::Now()).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(StreamPipelineTest, RefusalInsideATransactionAcknowledgesNothingOfIt) {
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"SET", "a", "1"}, MarkAt(10));
  ASSERT_TRUE(pipeline.Send(MarkAt(10)).ok());
  pipeline.Add({"MULTI"});  // no positions inside a transaction
  pipeline.Add({"SET", "t", "1"});
  pipeline.Add({"INCR"});  // refused when queued: wrong number of arguments
  pipeline.Add({"EXEC"}, MarkAt(40));
  pipeline.Add({"SET", "after", "1"}, MarkAt(50));
  (void)pipeline.Send(MarkAt(50));
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "INCR")) << status;
  ASSERT_TRUE(pipeline.acked().has_value());
  EXPECT_EQ(pipeline.acked()->offset, 10);
  EXPECT_EQ(Cli({"EXISTS", "t"}), "0");  // the transaction was aborted
}

TEST_F(StreamPipelineTest, RedactedKeysDoNotLeakThroughErrors) {
  StreamPipelineOptions options;
  options.redact_keys = true;
  StreamPipeline pipeline(*client_, options);
  pipeline.Add({"SET", "customer:secret", "x"});
  pipeline.Add({"INCR", "customer:secret"});  // not an integer
  (void)pipeline.Send(MarkAt(1));
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "INCR for key key#")) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "customer:secret")) << status;
}

TEST_F(StreamPipelineTest, FailedCommandInsideATransactionIsAnError) {
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"SET", "s", "x"});
  pipeline.Add({"MULTI"});
  pipeline.Add({"SET", "t", "1"});
  pipeline.Add({"LPUSH", "s", "y"});  // queued, fails at EXEC with WRONGTYPE
  pipeline.Add({"EXEC"});
  (void)pipeline.Send(MarkAt(5));
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "LPUSH for key 's'")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "transaction")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "WRONGTYPE")) << status;
  EXPECT_FALSE(pipeline.acked().has_value());
}

// Issue 8: MULTI; INCR a; LPUSH s x; EXEC; INCR b against a target holding `s` as a string.
TEST_F(StreamPipelineTest, PartlyFailedTransactionCountsAsAppliedAndLaterRepliesAreSettled) {
  ASSERT_EQ(Cli({"SET", "s", "x"}), "OK");
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"MULTI"});
  pipeline.Add({"INCR", "a"});
  pipeline.Add({"LPUSH", "s", "x"});  // WRONGTYPE at EXEC
  pipeline.Add({"EXEC"}, MarkAt(40));
  pipeline.Add({"INCR", "b"}, MarkAt(50));  // applied after the refusal
  (void)pipeline.Send(MarkAt(50));
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(pipeline.refused()) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "LPUSH for key 's'")) << status;
  ASSERT_TRUE(pipeline.acked().has_value());
  EXPECT_EQ(pipeline.acked()->offset, 40);  // the transaction counts as applied
  ASSERT_TRUE(pipeline.SettleAfterRefusal(absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(pipeline.applied_after_refusal(), (std::vector<int64_t>{50}));
  EXPECT_EQ(Cli({"GET", "a"}), "1");
  EXPECT_EQ(Cli({"GET", "b"}), "1");
}

TEST_F(StreamPipelineTest, PartlyFailedTransactionWhileSettlingIsListedAndReported) {
  ASSERT_EQ(Cli({"SET", "s", "x"}), "OK");
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"LPUSH", "s", "y"}, MarkAt(10));  // refused
  pipeline.Add({"MULTI"});
  pipeline.Add({"INCR", "a"});
  pipeline.Add({"LPUSH", "s", "z"});  // WRONGTYPE at EXEC
  pipeline.Add({"EXEC"}, MarkAt(40));
  (void)pipeline.Send(MarkAt(40));
  (void)pipeline.Collect(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(pipeline.refused());
  ASSERT_TRUE(pipeline.SettleAfterRefusal(absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(pipeline.applied_after_refusal(), (std::vector<int64_t>{40}));
  ASSERT_EQ(pipeline.partly_failed_after_refusal().size(), 1u);
  EXPECT_TRUE(absl::StrContains(pipeline.partly_failed_after_refusal()[0], "WRONGTYPE"));
}

TEST_F(StreamPipelineTest, BatchWithoutCommandsIsAcknowledgedWithItsPredecessors) {
  StreamPipeline pipeline(*client_, {});
  ASSERT_TRUE(pipeline.Send(MarkAt(7, 3)).ok());  // only a PING advanced the stream
  ASSERT_TRUE(pipeline.acked().has_value());
  EXPECT_EQ(pipeline.acked()->offset, 7);
  EXPECT_EQ(pipeline.acked()->db, 3);
  ASSERT_EQ(Cli({"CLIENT", "PAUSE", "10000", "WRITE"}), "OK");
  pipeline.Add({"SET", "k", "v"});
  ASSERT_TRUE(pipeline.Send(MarkAt(20)).ok());
  ASSERT_TRUE(pipeline.Send(MarkAt(25)).ok());  // empty, behind the paused SET
  EXPECT_EQ(pipeline.acked()->offset, 7);
  ASSERT_EQ(Cli({"CLIENT", "UNPAUSE"}), "OK");
  ASSERT_TRUE(pipeline.Collect(absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(pipeline.acked()->offset, 25);
  EXPECT_TRUE(pipeline.all_acked());
}

TEST_F(StreamPipelineTest, LostConnectionIsUnavailableAndKeepsTheAckedMark) {
  auto id = client_->Command({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok()) << id.status();
  StreamPipeline pipeline(*client_, {});
  pipeline.Add({"SET", "a", "1"});
  ASSERT_TRUE(pipeline.Send(MarkAt(1)).ok());
  ASSERT_TRUE(pipeline.Collect(absl::Now() + absl::Seconds(10)).ok());
  ASSERT_EQ(Cli({"CLIENT", "KILL", "ID", std::to_string(id->integer)}), "1");
  absl::Status status;
  for (int i = 2; i < 200 && status.ok(); ++i) {  // a write may still be buffered: go on
    pipeline.Add({"SET", "b", "2"});
    status = pipeline.Send(MarkAt(i));
    if (status.ok()) status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "writing the stream to 127.0.0.1:")) << status;
  EXPECT_EQ(pipeline.acked()->offset, 1);
}

TEST_F(StreamPipelineTest, SilentTargetIsADeadlineError) {
  StreamPipelineOptions options;
  options.reply_timeout = absl::Milliseconds(300);
  StreamPipeline pipeline(*client_, options);
  ASSERT_EQ(Cli({"CLIENT", "PAUSE", "3000", "WRITE"}), "OK");
  pipeline.Add({"SET", "k", "v"});
  ASSERT_TRUE(pipeline.Send(MarkAt(1)).ok());
  // The caller's own deadline passing is not an error...
  ASSERT_TRUE(pipeline.Collect(absl::Now() + absl::Milliseconds(50)).ok());
  EXPECT_FALSE(pipeline.all_acked());
  // ...but a target silent for reply_timeout while it owes replies is.
  const absl::Time start = absl::Now();
  absl::Status status = pipeline.Collect(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  Cli({"CLIENT", "UNPAUSE"});
}

}  // namespace
}  // namespace rms::test_writer
