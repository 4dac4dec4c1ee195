// Key positions from a real server's COMMAND reply agree with what the server itself says the
// keys are (COMMAND GETKEYS), over commands of every shape a replication stream carries.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/engine/cluster/command_keys.h"
#include "services/engine/redis/redis_client.h"
#include "tests/support/redis_server.h"

namespace rms::engine::cluster {
namespace {

const std::vector<std::vector<std::string>> kCommands = {
    {"SET", "k", "v", "EX", "10"},
    {"GET", "k"},
    {"MSET", "a", "1", "b", "2", "{t}c", "3"},
    {"DEL", "a", "b", "c"},
    {"UNLINK", "a"},
    {"EXPIRE", "k", "10"},
    {"PEXPIREAT", "k", "1700000000000"},
    {"EVAL", "return 1", "2", "k1", "k2", "arg"},
    {"EVALSHA", "0123456789012345678901234567890123456789", "1", "k", "a"},
    {"FCALL", "f", "1", "k", "a"},
    {"XADD", "s", "*", "f", "v"},
    {"XREAD", "COUNT", "1", "STREAMS", "s1", "s2", "0", "0"},
    {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s1", ">"},
    {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"},
    {"XCLAIM", "s", "g", "c", "0", "1-1"},
    {"XSETID", "s", "1-1"},
    {"ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"},
    {"LMOVE", "a", "b", "LEFT", "RIGHT"},
    {"BLMPOP", "0", "2", "a", "b", "LEFT"},
    {"SINTERCARD", "2", "a", "b"},
    {"BITOP", "AND", "d", "a", "b"},
    {"RENAME", "a", "b"},
    {"SMOVE", "a", "b", "m"},
    {"COPY", "a", "b", "REPLACE"},
    {"PFMERGE", "d", "a", "b"},
    {"HSET", "h", "f", "v", "g", "w"},
    {"RESTORE", "k", "0", "payload", "REPLACE"},
    {"LCS", "a", "b"},
    {"OBJECT", "ENCODING", "k"},
    {"MEMORY", "USAGE", "k"},
    {"GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
    {"SUNIONSTORE", "d", "a", "b"},
};

TEST(CommandKeysRedisTest, PositionsMatchCommandGetkeys) {
  auto server = test_support::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto client = redis::RedisClient::Connect(redis::Endpoint{"127.0.0.1", (*server)->port()});
  ASSERT_TRUE(client.ok()) << client.status();
  auto reply = (*client)->Command({"COMMAND"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  auto table = CommandKeyTable::FromCommandReply(*reply);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_GT(table->size(), 200u);
  for (const std::vector<std::string>& command : kCommands) {
    const std::string text = absl::StrJoin(command, " ");
    std::vector<absl::string_view> args(command.begin(), command.end());
    auto positions = table->KeyPositions(args);
    ASSERT_TRUE(positions.ok()) << text << ": " << positions.status();
    std::vector<std::string> ours;
    for (size_t at : *positions) ours.push_back(command[at]);
    std::vector<std::string> getkeys = {"COMMAND", "GETKEYS"};
    getkeys.insert(getkeys.end(), command.begin(), command.end());
    auto theirs = (*client)->Command(getkeys);
    ASSERT_TRUE(theirs.ok()) << text << ": " << theirs.status();
    std::vector<std::string> expected;
    for (const resp::RespValue& key : theirs->elements) expected.push_back(key.str);
    std::sort(ours.begin(), ours.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(ours, expected) << text;
  }
}

}  // namespace
}  // namespace rms::engine::cluster
