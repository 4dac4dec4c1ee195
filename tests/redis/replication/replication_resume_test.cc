// ReplicationSession against a real redis-server 7.0: partial resync (CONTINUE), fallback to a
// full resync when the backlog lost the offset, link loss, Cancel, and refusals.
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/replication/replication_session.h"
#include "tests/redis/util/redis_test_util.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {
namespace {

using engine::replication::ReplicatedCommand;
using engine::replication::ReplicationSession;

constexpr char kPassword[] = "resume-Pa55";

class ReplicationResumeTest : public ::testing::Test {
 protected:
  void StartSource(std::vector<std::string> config = {}) {
    test_support::RedisServerOptions options;
    options.password = kPassword;
    options.extra_config = std::move(config);
    options.extra_config.push_back("repl-diskless-sync-delay 0");  // 7.0 waits 5 s by default
    auto server = test_support::RedisServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    source_ = *std::move(server);
    client_ = ClientOf(*source_);
    ASSERT_NE(client_, nullptr);
  }

  // A session that finished its full sync and drained the stream.
  std::unique_ptr<ReplicationSession> SyncedSession() {
    auto session = ReplicationSession::Open(EndpointOf(*source_), "", -1);
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return nullptr;
    EXPECT_TRUE(ReadAll((*session)->snapshot(), 65536).ok());
    Drain(**session, *client_);
    return *std::move(session);
  }

  void Write(const std::string& key) { ASSERT_TRUE(client_->Command({"SET", key, "v"}).ok()); }

  std::unique_ptr<test_support::RedisServer> source_;
  std::unique_ptr<engine::redis::RedisClient> client_;
};

// Commands that are not PINGs.
std::vector<ReplicatedCommand> WithoutPings(std::vector<ReplicatedCommand> commands) {
  std::vector<ReplicatedCommand> out;
  for (ReplicatedCommand& command : commands) {
    if (!absl::EqualsIgnoreCase(command.args[0], "PING")) out.push_back(std::move(command));
  }
  return out;
}

TEST_F(ReplicationResumeTest, ContinueResumesRightAfterTheAppliedOffset) {
  StartSource();
  auto first = SyncedSession();
  ASSERT_NE(first, nullptr);
  const std::string replid = first->reply().replid;
  for (int i = 1; i <= 5; ++i) Write(absl::StrCat("r", i));
  std::vector<ReplicatedCommand> seen;
  for (ReplicatedCommand& command : Drain(*first, *client_)) {
    if (command.args[0] == "SET") seen.push_back(std::move(command));  // not PING, SELECT
  }
  ASSERT_EQ(seen.size(), 5u);
  // The engine applied r1..r3 when the link broke.
  const int64_t applied = seen[2].offset;
  first.reset();
  Write("r6");

  auto second = ReplicationSession::Open(EndpointOf(*source_), replid, applied);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE((*second)->reply().full_resync);
  EXPECT_EQ((*second)->reply().replid, replid);
  EXPECT_EQ((*second)->reply().offset, applied);
  EXPECT_EQ((*second)->read_offset(), applied);
  auto empty = ReadAll((*second)->snapshot(), 16);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  std::vector<ReplicatedCommand> resumed = Drain(**second, *client_);
  ASSERT_FALSE(resumed.empty());
  // No gap: the first byte after `applied` starts the first command.
  EXPECT_EQ(resumed[0].offset - static_cast<int64_t>(resumed[0].bytes), applied);
  std::vector<ReplicatedCommand> writes = WithoutPings(resumed);
  ASSERT_EQ(writes.size(), 3u);
  // No duplicate: r4 and r5 come again exactly where they were, then r6.
  EXPECT_EQ(writes[0].args, seen[3].args);
  EXPECT_EQ(writes[0].offset, seen[3].offset);
  EXPECT_EQ(writes[1].args, seen[4].args);
  EXPECT_EQ(writes[1].offset, seen[4].offset);
  EXPECT_EQ(writes[2].args, (std::vector<std::string>{"SET", "r6", "v"}));
  EXPECT_EQ((*second)->read_offset(), MasterReplOffset(*client_));
  EXPECT_EQ(*InfoField(*client_, "stats", "sync_partial_ok"), "1");
}

TEST_F(ReplicationResumeTest, ContinueAtTheSourceOffsetStreamsNewWritesOnly) {
  StartSource();
  auto first = SyncedSession();
  ASSERT_NE(first, nullptr);
  const std::string replid = first->reply().replid;
  const int64_t applied = first->read_offset();  // everything, as master_repl_offset
  first.reset();
  auto second = ReplicationSession::Open(EndpointOf(*source_), replid, applied);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE((*second)->reply().full_resync);
  Write("after");
  std::vector<std::string> keys;
  for (const ReplicatedCommand& command : Drain(**second, *client_)) {
    if (command.args[0] == "SET") keys.push_back(command.args[1]);  // not PING, SELECT
  }
  EXPECT_EQ(keys, std::vector<std::string>{"after"});
}

TEST_F(ReplicationResumeTest, LostBacklogFallsBackToFullResync) {
  StartSource({"repl-backlog-size 16kb"});
  auto first = SyncedSession();
  ASSERT_NE(first, nullptr);
  const std::string replid = first->reply().replid;
  const int64_t applied = first->read_offset();
  first.reset();
  std::string batch;
  std::mt19937 random(7);
  for (int i = 0; i < 200; ++i) {
    std::string value(1024, ' ');
    for (char& c : value) c = static_cast<char>('a' + random() % 26);  // not compressible
    engine::resp::AppendCommand(batch, {"SET", absl::StrCat("big:", i), value});
  }
  ASSERT_TRUE(client_->Pipeline(batch, 200).ok());

  auto second = ReplicationSession::Open(EndpointOf(*source_), replid, applied);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE((*second)->reply().full_resync);
  EXPECT_GT((*second)->reply().offset, applied + 200 * 1024);
  auto rdb = ReadAll((*second)->snapshot(), 65536);
  ASSERT_TRUE(rdb.ok()) << rdb.status();
  EXPECT_GT(rdb->size(), 200u * 1024);
  Write("after-full");
  std::vector<ReplicatedCommand> writes = WithoutPings(Drain(**second, *client_));
  ASSERT_FALSE(writes.empty());
  EXPECT_EQ(writes.back().args[1], "after-full");
}

TEST_F(ReplicationResumeTest, ClientKillEndsTheStreamPromptly) {
  StartSource();
  auto session = SyncedSession();
  ASSERT_NE(session, nullptr);
  auto killed = client_->Command({"CLIENT", "KILL", "TYPE", "replica"});
  ASSERT_TRUE(killed.ok()) << killed.status();
  EXPECT_EQ(killed->integer, 1);
  const absl::Time start = absl::Now();
  absl::StatusOr<ReplicatedCommand> next = session->NextCommand(absl::Now() + absl::Seconds(30));
  EXPECT_EQ(next.status().code(), absl::StatusCode::kUnavailable) << next.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // Permanent: the next call fails the same way at once.
  EXPECT_EQ(session->NextCommand(absl::Now() + absl::Seconds(30)).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ReplicationResumeTest, CancelWakesNextCommand) {
  StartSource();
  auto session = SyncedSession();
  ASSERT_NE(session, nullptr);
  std::promise<absl::Status> result;
  std::thread reader(
      [&] { result.set_value(session->NextCommand(absl::Now() + absl::Seconds(30)).status()); });
  const absl::Time cancelled_at = absl::Now();
  session->Cancel();
  std::future<absl::Status> done = result.get_future();
  const bool woke = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  reader.join();
  ASSERT_TRUE(woke);
  EXPECT_EQ(done.get().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(absl::Now() - cancelled_at, absl::Seconds(2));
}

TEST_F(ReplicationResumeTest, CancelBeforeStartStopsTheHandshake) {
  StartSource();
  auto session = ReplicationSession::Create(EndpointOf(*source_));
  session->Cancel();
  EXPECT_EQ(session->Start("", -1).code(), absl::StatusCode::kCancelled);
}

TEST_F(ReplicationResumeTest, UserWithoutPsyncPermissionIsRefusedForGood) {
  StartSource();
  ASSERT_TRUE(
      client_->Command({"ACL", "SETUSER", "nosync", "on", ">nosync-Pa55", "~*", "+@all", "-psync"})
          .ok());
  engine::redis::Endpoint endpoint = EndpointOf(*source_);
  endpoint.username = "nosync";
  endpoint.password = "nosync-Pa55";
  auto session = ReplicationSession::Open(endpoint, "", -1);
  EXPECT_EQ(session.status().code(), absl::StatusCode::kFailedPrecondition) << session.status();
  EXPECT_TRUE(absl::StrContains(session.status().message(), "NOPERM")) << session.status();
  EXPECT_FALSE(absl::StrContains(session.status().message(), "nosync-Pa55"));
}

TEST_F(ReplicationResumeTest, WrongPasswordIsUnauthenticated) {
  StartSource();
  engine::redis::Endpoint endpoint = EndpointOf(*source_);
  endpoint.password = "wrong-Pa55";
  auto session = ReplicationSession::Open(endpoint, "", -1);
  EXPECT_EQ(session.status().code(), absl::StatusCode::kUnauthenticated) << session.status();
  EXPECT_FALSE(absl::StrContains(session.status().message(), "Pa55"));
}

}  // namespace
}  // namespace rms::test_redis
