// The MSET batches of small strings: keys of several dbs land in their own db (a batch is sent
// before SELECT), strings with a TTL or an LRU hint still go by RESTORE, a large string without
// them by SET (the reader skipped its raw copy), batches are bounded, and the target ends equal to
// a server that loaded the same RDB.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/writer/target_writer.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_writer {
namespace {

using engine::redis::RedisClient;
using engine::writer::TargetWriter;
using engine::writer::TargetWriterOptions;
using test_support::RedisServer;

class StringBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = RedisServer::Start();
    ASSERT_TRUE(source.ok()) << source.status();
    source_ = *std::move(source);
    auto client = RedisClient::Connect(EndpointOf(*source_));
    ASSERT_TRUE(client.ok()) << client.status();
    source_client_ = *std::move(client);
  }
  void Run(const std::vector<std::string>& command) {
    auto reply = source_client_->Command(command);
    ASSERT_TRUE(reply.ok()) << command[0] << ": " << reply.status();
  }
  // Writes the source's RDB into a fresh target; returns the writer's stats.
  engine::writer::TargetWriterStats WriteIntoTarget(TargetWriterOptions options) {
    Run({"SAVE"});
    test_support::RedisServerOptions target_options;
    target_options.password = kTargetPassword;
    auto target = RedisServer::Start(target_options);
    EXPECT_TRUE(target.ok()) << target.status();
    target_ = *std::move(target);
    auto writer = TargetWriter::Connect(EndpointOf(*target_), options);
    EXPECT_TRUE(writer.ok()) << writer.status();
    const absl::Status status = ReplayRdb(source_->dir() + "/dump.rdb", **writer);
    EXPECT_TRUE(status.ok()) << status;
    return (*writer)->stats();
  }
  void ExpectTargetEqualsSource() {
    auto target_client = RedisClient::Connect(EndpointOf(*target_));
    ASSERT_TRUE(target_client.ok()) << target_client.status();
    for (int db : {0, 1, 5}) {
      const std::string number = absl::StrCat(db);
      ASSERT_TRUE(source_client_->Command({"SELECT", number}).ok());
      ASSERT_TRUE((*target_client)->Command({"SELECT", number}).ok());
      auto want = source_client_->Command({"DBSIZE"});
      auto got = (*target_client)->Command({"DBSIZE"});
      ASSERT_TRUE(want.ok() && got.ok());
      EXPECT_EQ(got->integer, want->integer) << "db " << db;
    }
    auto want = DigestOf(*source_client_);
    auto got = DigestOf(**target_client);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(*got, *want);
  }

  std::unique_ptr<RedisServer> source_, target_;
  std::unique_ptr<RedisClient> source_client_;
};

TEST_F(StringBatchTest, StringsOfEveryDbLandInTheirDbAndTheTargetEqualsTheSource) {
  for (int db : {0, 1, 5}) {
    ASSERT_NO_FATAL_FAILURE(Run({"SELECT", absl::StrCat(db)}));
    for (int i = 0; i < 250; ++i) {
      ASSERT_NO_FATAL_FAILURE(Run({"SET", absl::StrCat("s:", db, ":", i), std::string(i, 'v')}));
    }
    ASSERT_NO_FATAL_FAILURE(Run({"SET", absl::StrCat("int:", db), "12345"}));
    ASSERT_NO_FATAL_FAILURE(Run({"SET", absl::StrCat("ttl:", db), "x", "PXAT", "4102444800000"}));
    ASSERT_NO_FATAL_FAILURE(Run({"SET", absl::StrCat("big:", db), std::string(100000, 'b')}));
    ASSERT_NO_FATAL_FAILURE(Run({"RPUSH", absl::StrCat("list:", db), "a", "b"}));
  }
  TargetWriterOptions options;
  options.string_batch.max_keys = 100;
  const auto stats = WriteIntoTarget(options);
  // Per db: 250 strings and the integer batched; the TTL string and the list restored; the big
  // string (no TTL: its raw value was not captured) written with SET.
  EXPECT_EQ(stats.keys_batched, 3u * 251);
  EXPECT_EQ(stats.keys_restored, 3u * 2);
  EXPECT_EQ(stats.keys_rewritten, 3u);
  EXPECT_EQ(stats.keys_written, stats.keys_batched + stats.keys_restored + stats.keys_rewritten);
  ExpectTargetEqualsSource();
  auto ttl = RedisClient::Connect(EndpointOf(*target_));
  ASSERT_TRUE(ttl.ok());
  auto expire = (*ttl)->Command({"PEXPIRETIME", "ttl:0"});
  ASSERT_TRUE(expire.ok()) << expire.status();
  EXPECT_EQ(expire->integer, 4102444800000);
}

TEST_F(StringBatchTest, BatchingOffRestoresEveryKey) {
  for (int i = 0; i < 50; ++i) ASSERT_NO_FATAL_FAILURE(Run({"SET", absl::StrCat("k", i), "v"}));
  TargetWriterOptions options;
  options.string_batch.max_keys = 0;
  const auto stats = WriteIntoTarget(options);
  EXPECT_EQ(stats.keys_batched, 0u);
  EXPECT_EQ(stats.keys_restored, 50u);
  ExpectTargetEqualsSource();
}

TEST_F(StringBatchTest, ByteBoundSplitsBatches) {
  for (int i = 0; i < 64; ++i) {
    ASSERT_NO_FATAL_FAILURE(Run({"SET", absl::StrCat("k", i), std::string(1000, 'a' + i % 26)}));
  }
  TargetWriterOptions options;
  options.string_batch.max_bytes = 8 << 10;  // about 8 keys per MSET
  const auto stats = WriteIntoTarget(options);
  EXPECT_EQ(stats.keys_batched, 64u);
  // 64 keys of ~1 KB in MSETs of at most ~8 KB: at least 8 commands (plus none per key).
  EXPECT_GE(stats.commands_sent, 8u);
  EXPECT_LT(stats.commands_sent, 64u);
  ExpectTargetEqualsSource();
}

}  // namespace
}  // namespace rms::test_writer
