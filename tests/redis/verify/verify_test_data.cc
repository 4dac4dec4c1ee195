// Test data for the Verifier tests.
#include "tests/redis/verify/verify_test_data.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/redis/util/redis_test_util.h"

namespace rms::test_redis {

void RunCommands(engine::redis::RedisClient& client,
                 const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    auto reply = client.Command(command);
    ASSERT_TRUE(reply.ok()) << command.front() << ": " << reply.status();
  }
}

void WriteDataset(engine::redis::RedisClient& client, int keys) {
  std::vector<std::vector<std::string>> commands = {{"SELECT", "0"}};
  for (int i = 0; i < keys; ++i) commands.push_back({"SET", absl::StrCat("s:", i), "v"});
  std::vector<std::string> big_hash = {"HSET", "big-hash"};
  std::vector<std::string> big_set = {"SADD", "big-set"};
  for (int i = 0; i < 1000; ++i) {  // several HSCAN/SSCAN calls each
    big_hash.push_back(absl::StrCat("field", i));
    big_hash.push_back(absl::StrCat("value", i));
    big_set.push_back(absl::StrCat("member", i));
  }
  std::vector<std::string> long_list = {"RPUSH", "long-list"};
  for (int i = 0; i < 300; ++i) long_list.push_back(absl::StrCat(i % 7));
  const std::vector<std::vector<std::string>> others = {
      big_hash,
      big_set,
      long_list,
      {"HSET", "small-hash", "a", "1", "b", "2"},
      {"SADD", "int-set", "1", "2", "3"},
      {"ZADD", "zset", "1.5", "m1", "2", "m2", "0.1", "m3"},
      {"RPUSH", "list", "x", "y", "z"},
      {"XADD", "stream", "1-1", "f", "v"},
      {"XADD", "stream", "1-2", "f", "w", "g", "u"},
      {"SET", "big-string", std::string(200 * 1024, 'b')},  // several GETRANGE chunks
      {"SET", "expiring", "v", "EX", "3600"},
      {"SELECT", "2"},
      {"HSET", "db2-hash", "f", "v"},
      {"PEXPIRE", "db2-hash", "7200000"},
      {"SELECT", "0"}};
  commands.insert(commands.end(), others.begin(), others.end());
  RunCommands(client, commands);
}

test_support::RedisServerOptions EncodingOptions(bool compact, bool debug) {
  test_support::RedisServerOptions options;
  options.password = "verify-Pa55";
  if (!compact) {
    options.extra_config = {"hash-max-listpack-entries 0", "set-max-intset-entries 0",
                            "zset-max-listpack-entries 0", "list-max-listpack-size 1"};
  }
  if (!debug) options.extra_config.push_back("enable-debug-command no");
  return options;
}

VerifyResult RunVerifier(const test_support::RedisServer& source,
                         const test_support::RedisServer& target, verify::VerifierOptions options,
                         verify::VerifierHooks hooks) {
  auto source_client = ClientOf(source);
  auto target_client = ClientOf(target);
  if (!hooks.sleep) {
    hooks.sleep = [](absl::Duration d) {
      absl::SleepFor(d);
      return true;
    };
  }
  verify::Verifier verifier(*source_client, *target_client, options, hooks);
  VerifyResult result;
  result.status = verifier.Run();
  result.report = verifier.Progress();
  result.mode = verifier.digest_mode();
  result.source_commands = verifier.source_commands();
  return result;
}

}  // namespace rms::test_redis
