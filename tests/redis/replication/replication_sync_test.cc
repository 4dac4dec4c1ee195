// ReplicationSession against a real redis-server 7.0 with a password: full sync (disk-based and
// diskless), the command stream with exact offsets, and acknowledgements.
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/engine/rdb/rdb_reader.h"
#include "services/engine/replication/replication_session.h"
#include "tests/redis/util/redis_test_util.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {
namespace {

using engine::replication::ReplicatedCommand;
using engine::replication::ReplicationSession;
using ::testing::AnyOf;
using ::testing::ElementsAre;

constexpr char kPassword[] = "repl-Pa55";

std::unique_ptr<test_support::RedisServer> StartSource(std::vector<std::string> config) {
  test_support::RedisServerOptions options;
  options.password = kPassword;
  options.extra_config = std::move(config);
  auto server = test_support::RedisServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// Full sync with diskless replication off (false) or on (true).
class FullSyncTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::vector<std::string> config = {"repl-diskless-sync no"};
    if (GetParam()) config = {"repl-diskless-sync yes", "repl-diskless-sync-delay 0"};
    source_ = StartSource(config);
    ASSERT_NE(source_, nullptr);
    client_ = ClientOf(*source_);
    ASSERT_NE(client_, nullptr);
  }

  // 100 keys in db 0 and 7 in db 3.
  void Populate() {
    std::string batch;
    for (int i = 0; i < 100; ++i) {
      engine::resp::AppendCommand(batch, {"SET", absl::StrCat("key:", i), std::string(i, 'x')});
    }
    engine::resp::AppendCommand(batch, {"SELECT", "3"});
    for (int i = 0; i < 7; ++i) {
      engine::resp::AppendCommand(batch, {"HSET", absl::StrCat("h:", i), "f", "v"});
    }
    engine::resp::AppendCommand(batch, {"SELECT", "0"});
    ASSERT_TRUE(client_->Pipeline(batch, 109).ok());
  }

  std::unique_ptr<ReplicationSession> OpenFullSync() {
    auto session = ReplicationSession::Open(EndpointOf(*source_), "", -1);
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return nullptr;
    EXPECT_TRUE((*session)->reply().full_resync);
    EXPECT_EQ((*session)->reply().replid.size(), 40u);
    EXPECT_EQ((*session)->read_offset(), (*session)->reply().offset);
    return *std::move(session);
  }

  std::unique_ptr<test_support::RedisServer> source_;
  std::unique_ptr<engine::redis::RedisClient> client_;
};

TEST_P(FullSyncTest, SnapshotIsExactlyTheRdb) {
  Populate();
  auto session = OpenFullSync();
  ASSERT_NE(session, nullptr);
  absl::StatusOr<std::string> rdb = ReadAll(session->snapshot(), 4096);
  ASSERT_TRUE(rdb.ok()) << rdb.status();
  ASSERT_GT(rdb->size(), 9u + 8u);
  EXPECT_EQ(rdb->substr(0, 5), "REDIS");
  // The RDB ends with the CRC-64 of everything before it (little endian): a byte too many or
  // too few (a stripped or kept EOF mark) breaks it.
  uint64_t stored = 0;
  for (int i = 7; i >= 0; --i)
    stored = (stored << 8) | static_cast<uint8_t>((*rdb)[rdb->size() - 8 + i]);
  EXPECT_EQ(stored, Crc64(absl::string_view(*rdb).substr(0, rdb->size() - 8)));
  EXPECT_EQ(static_cast<uint8_t>((*rdb)[rdb->size() - 9]), 0xFF);  // RDB_OPCODE_EOF
  EXPECT_EQ(session->snapshot_bytes(), rdb->size());
  EXPECT_EQ(session->snapshot_size(), GetParam() ? -1 : static_cast<int64_t>(rdb->size()));
  EXPECT_GT(session->bytes_received(), rdb->size());
  auto again = session->snapshot().Read(rdb->data(), 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);  // stays at its end
}

TEST_P(FullSyncTest, WritesArriveInOrderWithExactOffsets) {
  Populate();
  auto session = OpenFullSync();
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(ReadAll(session->snapshot(), 65536).ok());
  auto other_db = ClientOf(*source_);
  ASSERT_TRUE(client_->Command({"SET", "k1", "v1"}).ok());
  ASSERT_TRUE(client_->Command({"INCR", "counter"}).ok());
  ASSERT_TRUE(client_->Command({"LPUSH", "list", "a", std::string("b\0\r\n", 4)}).ok());
  auto tx = client_->Pipeline(
      engine::resp::EncodeCommand({"MULTI"}) + engine::resp::EncodeCommand({"SET", "k2", "v2"}) +
          engine::resp::EncodeCommand({"INCR", "counter"}) + engine::resp::EncodeCommand({"EXEC"}),
      4);
  ASSERT_TRUE(tx.ok()) << tx.status();
  ASSERT_TRUE(other_db->Command({"SELECT", "3"}).ok());
  ASSERT_TRUE(other_db->Command({"SET", "k3", "v3"}).ok());
  ASSERT_TRUE(other_db->Command({"EXPIRE", "k3", "1000"}).ok());
  ASSERT_TRUE(client_->Command({"DEL", "k1"}).ok());

  std::vector<ReplicatedCommand> commands = Drain(*session, *client_);
  EXPECT_EQ(session->read_offset(), MasterReplOffset(*client_));
  const std::vector<std::string> names = Names(commands);
  EXPECT_THAT(names, ElementsAre("SELECT", "SET", "INCR", "LPUSH", "MULTI", "SET", "INCR", "EXEC",
                                 "SELECT", "SET", AnyOf("PEXPIREAT", "EXPIRE"), "SELECT", "DEL"));
  // Offsets are contiguous from the FULLRESYNC offset: no byte lost or counted twice.
  int64_t expected_start = session->reply().offset;
  for (const ReplicatedCommand& command : commands) {
    EXPECT_EQ(command.offset - static_cast<int64_t>(command.bytes), expected_start);
    EXPECT_EQ(command.bytes, engine::resp::EncodeCommand(command.args).size());
    expected_start = command.offset;
  }
  ASSERT_GE(commands.size(), 4u);
  EXPECT_EQ(commands[3].args[3], std::string("b\0\r\n", 4));
}

TEST_P(FullSyncTest, RdbReaderParsesTheSnapshotStraightFromTheSocket) {
  Populate();
  auto session = OpenFullSync();
  ASSERT_NE(session, nullptr);
  engine::rdb::RdbReader reader(session->snapshot());
  std::map<int, int> keys_per_db;
  while (true) {
    absl::StatusOr<engine::rdb::RdbEvent> event = reader.Next();
    ASSERT_TRUE(event.ok()) << event.status();
    if (event->type == engine::rdb::RdbEvent::kKeyBegin) ++keys_per_db[event->header.db];
    if (event->type == engine::rdb::RdbEvent::kEnd) {
      EXPECT_TRUE(event->checksum_verified);
      break;
    }
  }
  EXPECT_EQ(keys_per_db, (std::map<int, int>{{0, 100}, {3, 7}}));
  EXPECT_TRUE(reader.read_ahead().empty());  // the snapshot source ended with the RDB
  // The reader stops after the CRC; the stream starts cleanly after it (diskless: after the mark).
  ASSERT_TRUE(client_->Command({"SET", "after-snapshot", "1"}).ok());
  std::vector<ReplicatedCommand> commands = Drain(*session, *client_);
  EXPECT_THAT(Names(commands), ElementsAre("SELECT", "SET"));
}

INSTANTIATE_TEST_SUITE_P(DiskAndDiskless, FullSyncTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Diskless" : "Disk"; });

// Runs `WAIT 1 <timeout_ms>` on `waiter` from another thread while the session keeps reading
// (GETACKs are answered inside NextCommand); returns how many replicas acknowledged the offset
// of `waiter`'s last write.
int64_t WaitWhileReading(engine::redis::RedisClient& waiter, ReplicationSession& session,
                         int timeout_ms) {
  std::promise<int64_t> acked;
  std::future<int64_t> result = acked.get_future();
  std::thread thread([&] {
    auto reply = waiter.Command({"WAIT", "1", absl::StrCat(timeout_ms)});
    acked.set_value(reply.ok() ? reply->integer : -1);
  });
  while (result.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
    auto command = session.NextCommand(absl::Now() + absl::Milliseconds(20));
    if (!command.ok() && !absl::IsDeadlineExceeded(command.status())) {
      ADD_FAILURE() << command.status();
      break;
    }
  }
  thread.join();
  return result.get();
}

TEST(ReplicationAckTest, GetAckIsAnsweredWithTheAppliedOffsetOnly) {
  auto source = StartSource({"repl-diskless-sync yes", "repl-diskless-sync-delay 0"});
  ASSERT_NE(source, nullptr);
  auto client = ClientOf(*source);
  auto session = ReplicationSession::Open(EndpointOf(*source), "", -1);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE(ReadAll((*session)->snapshot(), 65536).ok());
  Drain(**session, *client);
  // The handover ACK after the snapshot reported the FULLRESYNC offset.
  EXPECT_TRUE(WaitFor([&] { return ReplicaAckOffset(*client) >= (*session)->reply().offset; },
                      absl::Seconds(10)));

  // A write the engine read but did not apply: WAIT must not count this replica. (WAIT waits for
  // the offset of its own client's last write.)
  auto waiter = ClientOf(*source);
  ASSERT_TRUE(waiter->Command({"SET", "from-waiter", "1"}).ok());
  std::vector<ReplicatedCommand> more = Drain(**session, *client);
  ASSERT_FALSE(more.empty());
  EXPECT_EQ(WaitWhileReading(*waiter, **session, 300), 0);
  EXPECT_LT(ReplicaAckOffset(*client), more.back().offset);

  // Once applied, the GETACK of the next WAIT is answered with it.
  ASSERT_TRUE((*session)->SetAppliedOffset(more.back().offset).ok());
  EXPECT_EQ(WaitWhileReading(*waiter, **session, 10000), 1);
  EXPECT_GE(ReplicaAckOffset(*client), more.back().offset);
  EXPECT_LE(ReplicaAckOffset(*client), (*session)->read_offset());
}

TEST(ReplicationAckTest, SendAckReportsTheAppliedOffset) {
  auto source = StartSource({"repl-diskless-sync no"});
  ASSERT_NE(source, nullptr);
  auto client = ClientOf(*source);
  auto session = ReplicationSession::Open(EndpointOf(*source), "", -1);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE(ReadAll((*session)->snapshot(), 65536).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->Command({"INCR", "n"}).ok());
  std::vector<ReplicatedCommand> commands = Drain(**session, *client);
  ASSERT_GE(commands.size(), 5u);
  const int64_t applied = commands[commands.size() - 3].offset;
  ASSERT_TRUE((*session)->SetAppliedOffset(applied).ok());
  ASSERT_TRUE((*session)->SendAck().ok());
  EXPECT_TRUE(WaitFor([&] { return ReplicaAckOffset(*client) == applied; }, absl::Seconds(10)))
      << ReplicaAckOffset(*client) << " != " << applied;
  // Offsets only move forward, and never past what was returned.
  EXPECT_EQ((*session)->SetAppliedOffset(applied - 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*session)->SetAppliedOffset((*session)->read_offset() + 1).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rms::test_redis
