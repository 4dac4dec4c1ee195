// Shared parts of the verification e2e tests: starting a verification over REST, waiting for
// its outcome, counting keys, sampling a source's command counter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/e2e/engine/online_env.h"

namespace rms::e2e {

class VerifyE2eTest : public OnlineE2eTest {
 protected:
  // Also creates a second token of the project for gRPC.
  void SetUp() override;

  // POST .../migration-task/{task}/verify with `body`; the raw reply.
  test_support::HttpReply PostVerify(const std::string& task_id, const std::string& body);
  // Starts a verification and returns its id ("" after a test failure).
  std::string StartVerification(const std::string& task_id, const Json& body);
  // Polls GET .../verifications/{id} until DONE or FAILED; the last reply (test failure after
  // `timeout`).
  Json WaitForVerification(const std::string& task_id, const std::string& id,
                           absl::Duration timeout = absl::Seconds(120));
  // A finished full migration from `source` to `target`; the task id.
  std::string MigrateFully(const test_support::RedisServer& source,
                           const test_support::RedisServer& target);
  // The keys of every database of `server` (INFO keyspace).
  static int64_t KeyCount(const test_support::RedisServer& server);
  // The text of /metrics.
  std::string Metrics() const;

  std::unique_ptr<test_support::GrpcClient> grpc_;
};

// Writes on a target that plant one difference of each kind after keys "deleted", "changed",
// "ttl:moved" (with a TTL) and "typed" (a string) were migrated, and the problems a verification
// must then report, by key.
std::vector<std::vector<std::string>> PlantedDifferences();
std::map<std::string, std::string> PlantedProblems();

// `problem` of each example, by key.
std::map<std::string, std::string> ProblemsByKey(const Json& verification);

// total_commands_processed of a server, sampled; each sample costs the server one command.
struct CommandSample {
  absl::Time at;
  int64_t commands = 0;
};
CommandSample SampleCommands(engine::redis::RedisClient& client);

}  // namespace rms::e2e
