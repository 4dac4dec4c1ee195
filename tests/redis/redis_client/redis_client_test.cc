// RedisClient against a real redis-server: AUTH, error replies, pipelines, Cancel, refused connect.
#include "services/engine/redis/redis_client.h"

#include <future>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"
#include "tests/redis/util/redis_test_util.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {
namespace {

using engine::redis::RedisClient;
using engine::resp::RespValue;

constexpr char kPassword[] = "s3cret-Pa55word";

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test_support::RedisServerOptions options;
    options.password = kPassword;
    auto server = test_support::RedisServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<test_support::RedisServer> server_;
};

TEST_F(RedisClientTest, AuthenticatesAndRunsCommands) {
  auto client = RedisClient::Connect(EndpointOf(*server_));
  ASSERT_TRUE(client.ok()) << client.status();
  auto set = (*client)->Command({"SET", "greeting", std::string("hi\r\n\0!", 6)});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(set->IsOk());
  auto get = (*client)->Command({"GET", "greeting"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str, std::string("hi\r\n\0!", 6));
}

TEST_F(RedisClientTest, WrongPasswordIsUnauthenticatedWithoutThePassword) {
  engine::redis::Endpoint endpoint = EndpointOf(*server_);
  endpoint.password = "not-the-Pa55word-xyz";
  auto client = RedisClient::Connect(endpoint);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kUnauthenticated) << client.status();
  EXPECT_FALSE(absl::StrContains(client.status().message(), endpoint.password));
  EXPECT_FALSE(absl::StrContains(client.status().message(), kPassword));
  EXPECT_TRUE(absl::StrContains(client.status().message(), "WRONGPASS"));
}

TEST_F(RedisClientTest, MissingPasswordFailsOnFirstCommand) {
  engine::redis::Endpoint endpoint = EndpointOf(*server_);
  endpoint.password.clear();
  auto client = RedisClient::Connect(endpoint);
  ASSERT_TRUE(client.ok()) << client.status();
  auto ping = (*client)->Command({"PING"});
  EXPECT_EQ(ping.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(ping.status().message(), "NOAUTH"));
}

TEST_F(RedisClientTest, ErrorReplyIsFailedPreconditionWithTheServerMessage) {
  auto client = ClientOf(*server_);
  ASSERT_TRUE(client->Command({"SET", "text", "abc"}).ok());
  auto incr = client->Command({"INCR", "text"});
  EXPECT_EQ(incr.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(incr.status().message(), "not an integer")) << incr.status();
  EXPECT_TRUE(client->Command({"PING"}).ok());  // the connection is still usable
}

TEST_F(RedisClientTest, PipelineReturnsRepliesInOrderIncludingErrors) {
  auto client = ClientOf(*server_);
  std::string batch;
  engine::resp::AppendCommand(batch, {"SET", "n", "41"});
  engine::resp::AppendCommand(batch, {"INCR", "n"});
  engine::resp::AppendCommand(batch, {"LPUSH", "n", "x"});
  engine::resp::AppendCommand(batch, {"GET", "missing"});
  for (int i = 0; i < 1000; ++i) engine::resp::AppendCommand(batch, {"RPUSH", "list", "v"});
  auto replies = client->Pipeline(batch, 1004);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 1004u);
  EXPECT_TRUE((*replies)[0].IsOk());
  EXPECT_EQ((*replies)[1].integer, 42);
  EXPECT_TRUE((*replies)[2].IsError());
  EXPECT_TRUE(absl::StartsWith((*replies)[2].str, "WRONGTYPE"));
  EXPECT_EQ((*replies)[3].type, RespValue::Type::kNullBulk);
  EXPECT_EQ((*replies)[1003].integer, 1000);
}

TEST_F(RedisClientTest, CancelFromAnotherThreadWakesABlockedRead) {
  auto blocked = ClientOf(*server_);
  auto observer = ClientOf(*server_);
  std::promise<absl::Status> result;
  std::thread reader([&] { result.set_value(blocked->Command({"BLPOP", "never", "0"}).status()); });
  // The read is blocked once the server counts a blocked client.
  const bool is_blocked = WaitFor(
      [&] {
        auto count = InfoField(*observer, "clients", "blocked_clients");
        return count.ok() && *count == "1";
      },
      absl::Seconds(10));
  const absl::Time cancelled_at = absl::Now();
  blocked->Cancel();
  std::future<absl::Status> done = result.get_future();
  const bool woke = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  const absl::Duration latency = absl::Now() - cancelled_at;
  reader.join();
  ASSERT_TRUE(is_blocked);
  ASSERT_TRUE(woke);
  EXPECT_EQ(done.get().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(latency, absl::Seconds(1));
}

TEST(RedisClientConnectTest, RefusedConnectionIsUnavailable) {
  engine::redis::Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = test_support::FreeLoopbackPort();  // nothing listens there
  auto client = RedisClient::Connect(endpoint);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable) << client.status();
}

}  // namespace
}  // namespace rms::test_redis
