// CommandPipeline over a scripted TargetNode: batches in flight before their replies are read,
// errors of an earlier batch surfacing later with their command and key, Flush reading all.
#include "services/engine/writer/command_pipeline.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace rms::engine::writer {
namespace {

// Records the order of sends and receives; replies +OK, or an error to commands naming "bad".
class ScriptedNode final : public TargetNode {
 public:
  absl::Status Send(absl::string_view encoded) override {
    events.push_back("send");
    sent.emplace_back(encoded);
    return send_error;
  }
  absl::StatusOr<std::vector<resp::RespValue>> Receive(size_t count) override {
    events.push_back("receive " + std::to_string(count));
    std::vector<resp::RespValue> replies(count);
    const std::string& batch = sent[received++];
    size_t cursor = 0;
    for (resp::RespValue& reply : replies) {
      const size_t next = batch.find("*", cursor + 1);
      const absl::string_view command = absl::string_view(batch).substr(cursor, next - cursor);
      cursor = next;
      if (absl::StrContains(command, "moved")) {
        reply.type = resp::RespValue::Type::kError;
        reply.str = "MOVED 7 127.0.0.1:7001";
      } else if (absl::StrContains(command, "bad")) {
        reply.type = resp::RespValue::Type::kError;
        reply.str = "WRONGTYPE Operation against a key holding the wrong kind of value";
      } else {
        reply.type = resp::RespValue::Type::kSimpleString;
        reply.str = "OK";
      }
    }
    return replies;
  }
  std::string Describe() const override { return "scripted:1"; }

  std::vector<std::string> events;
  std::vector<std::string> sent;
  size_t received = 0;
  absl::Status send_error;
};

PipelineOptions Options(size_t commands, size_t inflight) {
  PipelineOptions options;
  options.max_commands = commands;
  options.max_inflight_batches = inflight;
  return options;
}

TEST(CommandPipelineTest, SeveralBatchesAreSentBeforeTheirRepliesAreRead) {
  ScriptedNode node;
  CommandPipeline pipeline(node, Options(2, 3));
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(pipeline.Add({"SET", "k" + std::to_string(i), "v"}, "k").ok());
  }
  // Batches 1 and 2 go out unanswered; the 3rd send makes 3 owed, so batch 1 is read, and so on.
  EXPECT_EQ(node.events,
            (std::vector<std::string>{"send", "send", "send", "receive 2", "send", "receive 2"}));
  EXPECT_EQ(pipeline.stats().commands_sent, 4u);  // acknowledged so far
  ASSERT_TRUE(pipeline.Flush().ok());
  EXPECT_EQ(node.received, 4u);
  EXPECT_EQ(pipeline.stats().commands_sent, 8u);
  EXPECT_EQ(pipeline.stats().batches_sent, 4u);
}

TEST(CommandPipelineTest, OneBatchInFlightWaitsForEveryBatch) {
  ScriptedNode node;
  CommandPipeline pipeline(node, Options(2, 1));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(pipeline.Add({"SET", "k", "v"}, "k").ok());
  EXPECT_EQ(node.events, (std::vector<std::string>{"send", "receive 2", "send", "receive 2"}));
}

TEST(CommandPipelineTest, ErrorOfAnEarlierBatchSurfacesLaterNamingItsCommandAndKey) {
  ScriptedNode node;
  CommandPipeline pipeline(node, Options(2, 4));
  ASSERT_TRUE(pipeline.Add({"SET", "fine", "v"}, "fine").ok());
  ASSERT_TRUE(pipeline.Add({"LPUSH", "bad", "x"}, "bad").ok());  // batch 1 sent, not read
  ASSERT_TRUE(pipeline.Add({"SET", "later", "v"}, "later").ok());
  absl::Status status = pipeline.Flush();
  ASSERT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "scripted:1 refused LPUSH for key 'bad'"))
      << status;
  EXPECT_EQ(pipeline.Add({"SET", "k", "v"}, "k"), status);  // sticky
  EXPECT_EQ(pipeline.Flush(), status);
}

TEST(CommandPipelineTest, BrokenConnectionIsStickyAndNamesTheNode) {
  ScriptedNode node;
  node.send_error = absl::UnavailableError("connection reset");
  CommandPipeline pipeline(node, Options(1, 4));
  absl::Status status = pipeline.Add({"SET", "k", "v"}, "k");
  ASSERT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(status.message(), "writing to scripted:1: connection reset"));
  EXPECT_EQ(pipeline.Flush(), status);
}

TEST(CommandPipelineTest, RedirectsAreHeldWithTheCommandAsSent) {
  ScriptedNode node;
  PipelineOptions options = Options(2, 2);
  options.hold_redirects = true;
  CommandPipeline pipeline(node, options);
  ASSERT_TRUE(pipeline.Add({"SET", "k1", "v"}, "k1").ok());
  ASSERT_TRUE(pipeline.Add({"SET", "moved1", "v1"}, "moved1").ok());
  ASSERT_TRUE(pipeline.Add({"SET", "k2", "v"}, "k2").ok());
  ASSERT_TRUE(pipeline.Add({"RPUSH", "moved2", "a", "b"}, "moved2").ok());
  ASSERT_TRUE(pipeline.Add({"SET", "k3", "v"}, "k3").ok());
  ASSERT_TRUE(pipeline.Flush().ok());
  ASSERT_TRUE(pipeline.has_redirected());
  std::vector<RedirectedCommand> held = pipeline.TakeRedirected();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].encoded, resp::EncodeCommand({"SET", "moved1", "v1"}));
  EXPECT_EQ(held[0].key, "moved1");
  EXPECT_EQ(held[0].name, "SET");
  EXPECT_EQ(held[0].reply, "MOVED 7 127.0.0.1:7001");
  EXPECT_EQ(held[1].encoded, resp::EncodeCommand({"RPUSH", "moved2", "a", "b"}));
  EXPECT_FALSE(pipeline.has_redirected());

  // Sent again as they were.
  ASSERT_TRUE(pipeline.AddEncoded(held[1].encoded, held[1].name, held[1].key).ok());
  ASSERT_TRUE(pipeline.Flush().ok());
  EXPECT_EQ(node.sent.back(), resp::EncodeCommand({"RPUSH", "moved2", "a", "b"}));
}

TEST(CommandPipelineTest, WithoutHoldingARedirectIsAnError) {
  ScriptedNode node;
  CommandPipeline pipeline(node, Options(10, 2));
  ASSERT_TRUE(pipeline.Add({"SET", "moved", "v"}, "moved").ok());
  absl::Status status = pipeline.Flush();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "MOVED 7")) << status;
}

}  // namespace
}  // namespace rms::engine::writer
