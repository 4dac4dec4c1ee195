// Shared setup of the engine e2e tests: a fresh database, migrationd with workers, a project,
// and helpers to drive a task over REST and wait for its status.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/support/api_clients.h"
#include "tests/support/migrationd_process.h"
#include "tests/support/pg_test_database.h"
#include "tests/support/redis_server.h"

namespace rms::e2e {

using test_support::Json;

class EngineE2eTest : public ::testing::Test {
 protected:
  // Starts migrationd (2 workers, import dir under the temp dir) on a fresh database.
  void SetUp() override;
  void TearDown() override;

  // POST /migration/instance + configure; returns the task id ("" after a test failure).
  std::string CreateAndConfigure(const std::string& method, const std::string& resume_mode,
                                 const test_support::RedisServer& source,
                                 const test_support::RedisServer& target,
                                 const std::string& bandwidth_mb = "");
  // The same with the source's address given (e.g. a proxy in front of it).
  std::string CreateAndConfigureFrom(const std::string& method, const std::string& resume_mode,
                                     const std::string& source_addr,
                                     const test_support::RedisServer& source,
                                     const test_support::RedisServer& target,
                                     const std::string& bandwidth_mb = "");
  // The same with every address and password given (e.g. a cluster's nodes).
  std::string CreateAndConfigureAddrs(const std::string& method, const std::string& resume_mode,
                                      const std::string& source_addrs,
                                      const std::string& source_password,
                                      const std::string& target_addrs,
                                      const std::string& target_password,
                                      const std::string& bandwidth_mb = "");
  // POST /migration/instance, then configure it with `body`; returns the task id ("" after a
  // test failure).
  std::string CreateAndConfigureBody(const Json& body);
  // Polls the task until its status is one of `statuses`; returns the task details (or the last
  // details seen, with a test failure, after `timeout`).
  Json WaitForStatus(const std::string& task_id, const std::set<std::string>& statuses,
                     absl::Duration timeout);
  // Polls until both servers have the same DEBUG DIGEST; false after `timeout`.
  bool WaitForEqualDigests(const test_support::RedisServer& a, const test_support::RedisServer& b,
                           absl::Duration timeout);
  Json Logs(const std::string& task_id);
  Json Stats(const std::string& task_id);
  std::string P(const std::string& path) const { return "/v2/" + project_ + path; }
  // The project's import folder: <--import-dir>/<project>.
  const std::string& import_dir() const { return import_dir_; }
  const std::string& import_root() const { return import_root_; }

  int fixture_workers_ = 2;  // task slots of server_; a test may set it in its constructor
  // When set before SetUp: the database to use instead of a fresh one on the shared server (a
  // private cluster a test can restart).
  std::string database_url_override_;
  // The database migrationd uses (after SetUp).
  const std::string& database_url() const { return database_url_; }
  std::unique_ptr<test_support::PgTestDatabase> database_;
  std::unique_ptr<test_support::TempDir> dir_;
  std::unique_ptr<test_support::MigrationdProcess> server_;
  std::unique_ptr<test_support::RestClient> rest_;
  std::string project_ = "engine-e2e";
  std::string import_root_;
  std::vector<std::string> more_flags_;  // appended to migrationd's flags (set before SetUp)
  std::string import_dir_;
  std::string database_url_;
};

// Address of a server for a configure body.
std::string AddrOf(const test_support::RedisServer& server);

}  // namespace rms::e2e
