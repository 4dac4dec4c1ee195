// Stream rewrite details the fixtures do not cover: delivery counts above 1, consumers without
// pending entries, groups with entries-read, deleted last entries, empty streams with groups, and
// pending entries of deleted messages (warned about, not silently lost); a stream far above
// big_key_bytes rewritten chunk by chunk.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"
#include "services/engine/writer/target_writer.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_writer {
namespace {

using engine::redis::RedisClient;
using engine::writer::TargetWriter;
using engine::writer::TargetWriterOptions;
using test_support::RedisServer;

const std::vector<std::vector<std::string>> kSourceCommands = {
    {"XADD", "s", "1-1", "a", "1"},
    {"XADD", "s", "2-1", "b", "2"},
    {"XADD", "s", "3-1", "c", "3"},
    {"XADD", "s", "4-1", "d", "4"},
    {"XADD", "s", "5-1", "e", "5"},
    {"XGROUP", "CREATE", "s", "g", "0"},
    {"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"},
    {"XCLAIM", "s", "g", "bob", "0", "2-1"},
    {"XCLAIM", "s", "g", "bob", "0", "2-1"},  // delivery count 3 now
    {"XGROUP", "CREATECONSUMER", "s", "g", "carol"},
    {"XGROUP", "CREATE", "s", "g2", "$"},  // entries-read 5
    {"XDEL", "s", "5-1"},                  // last id stays 5-1, max-deleted-entry-id 5-1
    {"XGROUP", "CREATE", "s", "g3", "3-1", "ENTRIESREAD", "3"},
    {"PEXPIREAT", "s", "4102444800000"},
    {"XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM"},
    {"XADD", "emptied", "7-7", "x", "1"},
    {"XDEL", "emptied", "7-7"},
    {"XGROUP", "CREATE", "emptied", "g", "7-7"},
    {"XADD", "lossy", "1-1", "x", "1"},
    {"XADD", "lossy", "2-1", "y", "2"},
    {"XGROUP", "CREATE", "lossy", "g", "0"},
    {"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "lossy", ">"},
    {"XDEL", "lossy", "1-1"},  // its pending entry stays, but XCLAIM cannot recreate it
};

// Runs `commands` on `client`, then SAVE (the RDB the writer replays).
void RunAndSave(RedisClient& client, const std::vector<std::vector<std::string>>& commands) {
  for (const auto& command : commands) {
    auto reply = client.Command(command);
    ASSERT_TRUE(reply.ok()) << absl::StrJoin(command, " ") << ": " << reply.status();
  }
  ASSERT_TRUE(client.Command({"SAVE"}).ok());
}

std::unique_ptr<RedisServer> StartTarget() {
  test_support::RedisServerOptions target_options;
  target_options.password = kTargetPassword;
  auto target = RedisServer::Start(target_options);
  EXPECT_TRUE(target.ok()) << target.status();
  return target.ok() ? *std::move(target) : nullptr;
}

TEST(WriterStreamTest, RewriteKeepsGroupsConsumersAndPendingEntries) {
  auto source = RedisServer::Start();
  ASSERT_TRUE(source.ok()) << source.status();
  auto source_client = RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(source_client.ok()) << source_client.status();
  ASSERT_NO_FATAL_FAILURE(RunAndSave(**source_client, kSourceCommands));
  std::unique_ptr<RedisServer> target = StartTarget();
  ASSERT_NE(target, nullptr);
  TargetWriterOptions options;
  options.force_rewrite = true;
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status status = ReplayRdb((*source)->dir() + "/dump.rdb", **writer);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ((*writer)->stats().keys_rewritten, 4u);
  const std::vector<std::string> warnings = (*writer)->TakeWarnings();
  ASSERT_EQ(warnings.size(), 1u) << absl::StrJoin(warnings, "\n");
  EXPECT_TRUE(absl::StrContains(warnings[0], "'lossy': 1 pending entries of deleted messages"))
      << warnings[0];

  auto target_client = RedisClient::Connect(EndpointOf(*target));
  ASSERT_TRUE(target_client.ok()) << target_client.status();
  auto pending = (*target_client)->Command({"XPENDING", "lossy", "g"});
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->elements.at(0).integer, 1);  // 2-1 kept; 1-1's message is gone

  auto want = DumpTarget(**source, **source_client);
  ASSERT_TRUE(want.ok()) << want.status();
  auto got = DumpTarget(*target, **target_client);
  ASSERT_TRUE(got.ok()) << got.status();
  const std::pair<int, std::string> lossy = {0, "bG9zc3k="};
  ASSERT_EQ(want->erase(lossy), 1u);
  ASSERT_EQ(got->erase(lossy), 1u);
  ASSERT_EQ(want->size(), 3u);
  for (const std::string& diff : CompareManifests(*want, *got, {})) ADD_FAILURE() << diff;
}

TEST(WriterStreamTest, BigStreamIsRewrittenInChunksWithBoundedMemory) {
  auto source = RedisServer::Start();
  ASSERT_TRUE(source.ok()) << source.status();
  auto source_client = RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(source_client.ok()) << source_client.status();
  constexpr int kEntries = 100000;
  std::string batch;
  for (int i = 1; i <= kEntries; ++i) {
    batch += engine::resp::EncodeCommand({"XADD", "big", absl::StrCat(i, "-1"), "field",
                                          absl::StrCat("value-", i, "-", std::string(64, 'v'))});
  }
  ASSERT_TRUE((*source_client)->Pipeline(batch, kEntries).ok());
  ASSERT_NO_FATAL_FAILURE(RunAndSave(
      **source_client, {{"XGROUP", "CREATE", "big", "g", "0"},
                        {"XREADGROUP", "GROUP", "g", "alice", "COUNT", "10", "STREAMS", "big", ">"},
                        {"XDEL", "big", "50000-1"},
                        {"PEXPIREAT", "big", "4102444800000"}}));
  std::unique_ptr<RedisServer> target = StartTarget();
  ASSERT_NE(target, nullptr);
  TargetWriterOptions options;
  options.big_key_bytes = 256 << 10;  // the stream's entries take about 100 times that
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status status = ReplayRdb((*source)->dir() + "/dump.rdb", **writer);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ((*writer)->stats().keys_rewritten, 1u);
  EXPECT_LE((*writer)->stats().peak_buffered_bytes, options.big_key_bytes);
  EXPECT_TRUE((*writer)->TakeWarnings().empty());

  auto target_client = RedisClient::Connect(EndpointOf(*target));
  ASSERT_TRUE(target_client.ok()) << target_client.status();
  auto want = DumpTarget(**source, **source_client);
  ASSERT_TRUE(want.ok()) << want.status();
  auto got = DumpTarget(*target, **target_client);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(want->size(), 1u);
  for (const std::string& diff : CompareManifests(*want, *got, {})) ADD_FAILURE() << diff;
}

}  // namespace
}  // namespace rms::test_writer
