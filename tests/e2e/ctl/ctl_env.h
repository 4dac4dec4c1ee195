// Shared setup of the migrationctl e2e tests: the engine fixture (database, migrationd with
// workers), credentials for migrationctl, and helpers to run it against the server.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/e2e/ctl/ctl_process.h"
#include "tests/e2e/engine/engine_env.h"

namespace rms::e2e {

class CtlE2eTest : public EngineE2eTest {
 protected:
  // EngineE2eTest's setup, plus a token and an access key of the project for migrationctl.
  void SetUp() override;

  // The environment that points migrationctl at the server with the token, plus `extra`.
  CtlOptions Options(const std::map<std::string, std::string>& extra = {},
                     absl::Duration timeout = absl::Seconds(60)) const;
  // Runs migrationctl with Options(extra).
  CtlRun Ctl(const std::vector<std::string>& args,
             const std::map<std::string, std::string>& extra = {}) const;
  // `migrationctl create NAME --json`; the new task's id ("" with a test failure).
  std::string CreateTask(const std::string& name) const;
  // A redis-server with `password` and config lines; fails the test when it does not start.
  static std::unique_ptr<test_support::RedisServer> StartRedis(
      const std::string& password, std::vector<std::string> extra_config = {});
  // DEBUG POPULATE `keys` keys of `value_bytes` bytes into db 0.
  static void Populate(const test_support::RedisServer& server, int keys, int value_bytes);

  std::string token_;
  std::string access_key_;
  std::string secret_key_;
};

// The value of "key: value" line `key` in migrationctl's key/value output ("" when absent).
std::string KeyValue(const std::string& output, const std::string& key);

}  // namespace rms::e2e
