// Helpers for tests against a real redis-server: polling with deadlines, INFO fields, draining a
// replication stream, and the RDB CRC-64.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/replication/replication_session.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {

// Polls `predicate` every 10 ms until it holds (true) or `timeout` passes (false).
bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout);

// 127.0.0.1:<port> with the server's password.
engine::redis::Endpoint EndpointOf(const test_support::RedisServer& server);

// A connected, authenticated client (test failure when it cannot connect).
std::unique_ptr<engine::redis::RedisClient> ClientOf(const test_support::RedisServer& server);

// `field` from `INFO <section>` ("master_repl_offset"), or NOT_FOUND.
absl::StatusOr<std::string> InfoField(engine::redis::RedisClient& client, absl::string_view section,
                                      absl::string_view field);
// The source's master_repl_offset.
int64_t MasterReplOffset(engine::redis::RedisClient& client);
// The `offset=` of the first replica in the source's INFO replication (-1 when none).
int64_t ReplicaAckOffset(engine::redis::RedisClient& client);

// Reads `source` to its end in chunks of 1..max_chunk bytes (seeded pseudo-random sizes).
absl::StatusOr<std::string> ReadAll(engine::io::ByteSource& source, size_t max_chunk,
                                    uint32_t seed = 1);

// Reads commands until the session's read offset reaches the source's master_repl_offset (the
// stream is drained) or `timeout` passes; PINGs included. The test fails on any error other than
// DEADLINE_EXCEEDED.
std::vector<engine::replication::ReplicatedCommand> Drain(
    engine::replication::ReplicationSession& session, engine::redis::RedisClient& source,
    absl::Duration timeout = absl::Seconds(20));

// Upper-cased command names, without PINGs.
std::vector<std::string> Names(const std::vector<engine::replication::ReplicatedCommand>& commands);

// Redis's CRC-64 (Jones, reflected, init 0): Crc64("123456789") == 0xe9c6d914c4b8d9ca.
uint64_t Crc64(absl::string_view bytes);

}  // namespace rms::test_redis
