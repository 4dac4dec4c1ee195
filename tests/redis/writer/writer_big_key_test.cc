// TargetWriter with a key far above big_key_bytes (chunked rewrite, bounded memory), error
// replies named by command and key (or only the key's hash), and replicated commands.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"
#include "services/engine/writer/target_writer.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_writer {
namespace {

using engine::rdb::RdbEvent;
using engine::redis::RedisClient;
using engine::writer::TargetWriter;
using engine::writer::TargetWriterOptions;
using test_support::RedisServer;

constexpr int kBigListLength = 200000;
constexpr char kBigKey[] = "big:list:customer-secret";

std::unique_ptr<RedisServer> StartServer(std::vector<std::string> extra_config = {},
                                         std::string password = kTargetPassword) {
  test_support::RedisServerOptions options;
  options.password = std::move(password);
  options.extra_config = std::move(extra_config);
  auto server = RedisServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<RedisClient> ClientOf(const RedisServer& server) {
  auto client = RedisClient::Connect(EndpointOf(server));
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

// A source holding the big list plus a small string, saved to <dir>/dump.rdb.
class BigKeyTest : public testing::Test {
 protected:
  void SetUp() override {
    source_ = StartServer({}, "");
    ASSERT_TRUE(source_);
    auto client = ClientOf(*source_);
    ASSERT_TRUE(client);
    std::string batch;
    size_t commands = 0;
    for (int i = 0; i < kBigListLength; i += 1000) {
      std::vector<std::string> args = {"RPUSH", kBigKey};
      for (int j = i; j < i + 1000; ++j) args.push_back(absl::StrCat("element-", j));
      batch += engine::resp::EncodeCommand(args);
      ++commands;
    }
    ASSERT_TRUE(client->Pipeline(batch, commands).ok());
    ASSERT_TRUE(client->Command({"SET", "small", "value"}).ok());
    ASSERT_TRUE(client->Command({"PEXPIREAT", kBigKey, "4102444800000"}).ok());
    ASSERT_TRUE(client->Command({"SAVE"}).ok());
    auto digest = DigestOf(*client);
    ASSERT_TRUE(digest.ok());
    source_digest_ = *digest;
    rdb_ = source_->dir() + "/dump.rdb";
  }

  std::unique_ptr<RedisServer> source_;
  std::string source_digest_;
  std::string rdb_;
};

TEST_F(BigKeyTest, BigListIsRewrittenInChunksWithBoundedMemory) {
  auto target = StartServer();
  ASSERT_TRUE(target);
  TargetWriterOptions options;
  options.big_key_bytes = 256 << 10;
  options.max_pipeline_commands = 50;
  options.max_pipeline_bytes = 64 << 10;
  options.rewrite.max_command_elements = 256;
  options.rewrite.max_command_bytes = 16 << 10;
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  uint64_t sent_before_key_end = 0;
  absl::Status status = ReplayRdb(rdb_, **writer, {}, [&](const RdbEvent& event) {
    if (event.type == RdbEvent::kKeyEnd && event.raw_value.size() > (256u << 10)) {
      sent_before_key_end = (*writer)->stats().commands_sent;
    }
  });
  ASSERT_TRUE(status.ok()) << status;
  const auto stats = (*writer)->stats();
  // The rewrite was streaming long before the key ended, and nothing held more than the bounds.
  EXPECT_GT(sent_before_key_end, 500u);
  EXPECT_LE(stats.peak_buffered_bytes, options.big_key_bytes);
  EXPECT_GT(stats.peak_buffered_bytes, 0u);
  EXPECT_LE(stats.peak_pipeline_bytes, (64u << 10) + (16u << 10) + 1024);
  EXPECT_EQ(stats.keys_rewritten, 1u);
  EXPECT_EQ(stats.keys_restored + stats.keys_batched, 1u);  // "small"
  auto client = ClientOf(*target);
  ASSERT_TRUE(client);
  auto length = client->Command({"LLEN", kBigKey});
  ASSERT_TRUE(length.ok());
  EXPECT_EQ(length->integer, kBigListLength);
  auto expire = client->Command({"PEXPIRETIME", kBigKey});
  ASSERT_TRUE(expire.ok());
  EXPECT_EQ(expire->integer, 4102444800000);
  auto digest = DigestOf(*client);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, source_digest_);
}

// A target that runs out of memory: the error names the command and the key...
TEST_F(BigKeyTest, ErrorReplyNamesCommandAndKey) {
  auto target = StartServer({"maxmemory 2mb", "maxmemory-policy noeviction"});
  ASSERT_TRUE(target);
  TargetWriterOptions options;
  options.big_key_bytes = 64 << 10;
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status status = ReplayRdb(rdb_, **writer);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "RPUSH")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), kBigKey)) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "OOM")) << status;
  // ...and it is sticky: nothing after it is silently written.
  EXPECT_EQ((*writer)->Flush(), status);
  EXPECT_EQ((*writer)->ApplyCommand({"SET", "after", "x"}), status);
}

// ...or, with redact_keys, only its hash.
TEST_F(BigKeyTest, RedactedErrorShowsOnlyTheKeyHash) {
  auto target = StartServer({"maxmemory 2mb", "maxmemory-policy noeviction"});
  ASSERT_TRUE(target);
  TargetWriterOptions options;
  options.big_key_bytes = 64 << 10;
  options.redact_keys = true;
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status status = ReplayRdb(rdb_, **writer);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "RPUSH")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "key#")) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "customer-secret")) << status;
}

TEST(WriterCommandTest, WrongTypeReplyNamesCommandAndKey) {
  auto target = StartServer();
  ASSERT_TRUE(target);
  auto writer = TargetWriter::Connect(EndpointOf(*target), {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->ApplyCommand({"SET", "plain-key", "v"}).ok());
  ASSERT_TRUE((*writer)->ApplyCommand({"LPUSH", "plain-key", "x"}).ok());  // queued only
  absl::Status status = (*writer)->Flush();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "LPUSH for key 'plain-key'")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "WRONGTYPE")) << status;
}

TEST(WriterCommandTest, RedactedWrongTypeHidesTheKey) {
  auto target = StartServer();
  ASSERT_TRUE(target);
  TargetWriterOptions options;
  options.redact_keys = true;
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->ApplyCommand({"SET", "secret-key", "v"}).ok());
  ASSERT_TRUE((*writer)->ApplyCommand({"SADD", "secret-key", "x"}).ok());
  absl::Status status = (*writer)->Flush();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "SADD for key key#")) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "secret-key")) << status;
}

// Replicated commands go out in batches, SELECT included, and all land.
TEST(WriterCommandTest, ApplyCommandPipelinesInBatches) {
  auto target = StartServer();
  ASSERT_TRUE(target);
  TargetWriterOptions options;
  options.max_pipeline_commands = 100;
  auto writer = TargetWriter::Connect(EndpointOf(*target), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (int db : {0, 3}) {
    ASSERT_TRUE((*writer)->ApplyCommand({"SELECT", absl::StrCat(db)}).ok());
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE((*writer)->ApplyCommand({"SET", absl::StrCat("k", i), absl::StrCat(db)}).ok());
    }
  }
  ASSERT_TRUE((*writer)->Flush().ok());
  const auto stats = (*writer)->stats();
  EXPECT_EQ(stats.commands_applied, 2002u);
  EXPECT_EQ(stats.commands_sent, 2002u);
  EXPECT_LE(stats.peak_pipeline_bytes, 100u * 64);
  auto client = ClientOf(*target);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Command({"SELECT", "3"}).ok());
  auto size = client->Command({"DBSIZE"});
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->integer, 1000);
  auto value = client->Command({"GET", "k999"});
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->str, "3");
}

}  // namespace
}  // namespace rms::test_writer
