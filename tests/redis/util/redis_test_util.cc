// Helpers for tests against a real redis-server.
#include "tests/redis/util/redis_test_util.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace rms::test_redis {

using engine::replication::ReplicatedCommand;

bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (predicate()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));  // polling a condition with a deadline
  }
}

engine::redis::Endpoint EndpointOf(const test_support::RedisServer& server) {
  engine::redis::Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = server.port();
  endpoint.password = server.password();
  return endpoint;
}

std::unique_ptr<engine::redis::RedisClient> ClientOf(const test_support::RedisServer& server) {
  auto client = engine::redis::RedisClient::Connect(EndpointOf(server));
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

absl::StatusOr<std::string> InfoField(engine::redis::RedisClient& client, absl::string_view section,
                                      absl::string_view field) {
  auto info = client.Command({"INFO", section});
  if (!info.ok()) return info.status();
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (absl::ConsumePrefix(&line, field) && absl::ConsumePrefix(&line, ":")) {
      return std::string(line);
    }
  }
  return absl::NotFoundError(std::string(field));
}

int64_t MasterReplOffset(engine::redis::RedisClient& client) {
  auto text = InfoField(client, "replication", "master_repl_offset");
  int64_t offset = -1;
  EXPECT_TRUE(text.ok() && absl::SimpleAtoi(*text, &offset)) << text.status();
  return offset;
}

int64_t ReplicaAckOffset(engine::redis::RedisClient& client) {
  // slave0:ip=127.0.0.1,port=0,state=online,offset=1234,lag=0
  auto text = InfoField(client, "replication", "slave0");
  if (!text.ok()) return -1;
  for (absl::string_view part : absl::StrSplit(*text, ',')) {
    int64_t offset = -1;
    if (absl::ConsumePrefix(&part, "offset=") && absl::SimpleAtoi(part, &offset)) return offset;
  }
  return -1;
}

absl::StatusOr<std::string> ReadAll(engine::io::ByteSource& source, size_t max_chunk,
                                    uint32_t seed) {
  std::mt19937 random(seed);
  std::string out;
  std::vector<char> buffer(max_chunk);
  while (true) {
    const size_t want = std::uniform_int_distribution<size_t>(1, max_chunk)(random);
    absl::StatusOr<size_t> n = source.Read(buffer.data(), want);
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

std::vector<ReplicatedCommand> Drain(engine::replication::ReplicationSession& session,
                                     engine::redis::RedisClient& source, absl::Duration timeout) {
  std::vector<ReplicatedCommand> commands;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    const int64_t target = MasterReplOffset(source);
    if (session.read_offset() == target) return commands;
    auto command = session.NextCommand(absl::Now() + absl::Milliseconds(100));
    if (absl::IsDeadlineExceeded(command.status())) continue;
    if (!command.ok()) {
      ADD_FAILURE() << "NextCommand: " << command.status();
      return commands;
    }
    commands.push_back(*std::move(command));
  }
  ADD_FAILURE() << "stream not drained: read " << session.read_offset() << ", source at "
                << MasterReplOffset(source);
  return commands;
}

std::vector<std::string> Names(const std::vector<ReplicatedCommand>& commands) {
  std::vector<std::string> names;
  for (const ReplicatedCommand& command : commands) {
    std::string name = absl::AsciiStrToUpper(command.args.at(0));
    if (name != "PING") names.push_back(name);
  }
  return names;
}

uint64_t Crc64(absl::string_view bytes) {
  constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;  // 0xad93d23594c935a9 reflected
  uint64_t crc = 0;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kReflectedPoly : crc >> 1;
  }
  return crc;
}

}  // namespace rms::test_redis
