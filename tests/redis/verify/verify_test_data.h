// Test data for the Verifier tests: two servers whose encodings differ, a dataset of every type
// written to both, and running a Verifier over them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/engine/redis/redis_client.h"
#include "services/verify/verifier.h"
#include "tests/support/redis_server.h"

namespace rms::test_redis {

// Runs `commands` on `client`, failing the test on any error reply.
void RunCommands(engine::redis::RedisClient& client,
                 const std::vector<std::vector<std::string>>& commands);

// Writes the same dataset (every type, small and several-chunk values, keys with TTLs, db 0 and
// db 2) as commands to `client`: `keys` string keys plus kNonStringKeys other keys.
void WriteDataset(engine::redis::RedisClient& client, int keys);
inline constexpr int kNonStringKeys = 11;

// Server options: `compact` keeps small values in listpacks/intsets (the defaults); otherwise
// every hash, set, sorted set and list uses its big encoding. `debug` false refuses DEBUG.
test_support::RedisServerOptions EncodingOptions(bool compact, bool debug = true);

struct VerifyResult {
  absl::Status status;
  verify::Report report;
  verify::DigestMode mode = verify::DigestMode::kChunked;
  uint64_t source_commands = 0;
};
// Runs a Verifier between the two servers (fresh clients).
VerifyResult RunVerifier(const test_support::RedisServer& source,
                         const test_support::RedisServer& target, verify::VerifierOptions options,
                         verify::VerifierHooks hooks = {});

}  // namespace rms::test_redis
