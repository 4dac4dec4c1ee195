// Shared e2e setup: a fresh database, one migrationd on it, and a fresh project per test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/api_clients.h"
#include "tests/support/migrationd_process.h"
#include "tests/support/pg_test_database.h"

namespace rms::e2e {

using test_support::GrpcClient;
using test_support::Json;
using test_support::RestClient;

// A project with a token and clients that send it.
struct Project {
  test_support::Credentials credentials;
  std::unique_ptr<RestClient> rest;
  std::unique_ptr<GrpcClient> grpc;
};

// One database and one migrationd on it. Members are destroyed in reverse order: server, files,
// database.
struct E2eEnv {
  // Creates a database through `admin_url` and starts migrationd on it; the URL carries
  // `db_password` when not empty (the test server trusts any password). `extra_flags` are
  // appended to migrationd's command line.
  static absl::StatusOr<std::unique_ptr<E2eEnv>> Create(
      const std::string& admin_url, const std::string& db_password = "",
      const std::vector<std::string>& extra_flags = {});
  // Creates a token for project `project_id` with `migrationd credentials create`.
  absl::StatusOr<Project> AddProject(const std::string& project_id) const;

  std::unique_ptr<test_support::PgTestDatabase> database;
  std::unique_ptr<test_support::TempDir> dir;
  std::unique_ptr<test_support::MigrationdProcess> server;
};

// "/v2/<project>" + path.
std::string ApiPath(const std::string& project, const std::string& path);

// A fixture sharing one E2eEnv per test suite (started in SetUpTestSuite, stopped in
// TearDownTestSuite) and giving each test two fresh projects, so tests do not see each other's
// tasks. Skips without RMS_TEST_DATABASE_URL.
class E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  // "/v2/<project a>" + path.
  std::string P(const std::string& path) const { return ApiPath(project_a_, path); }

  static std::unique_ptr<E2eEnv>& env();
  std::string project_a_, project_b_;
  Project a_, b_;
  std::unique_ptr<RestClient> rest_anonymous_;
  std::unique_ptr<GrpcClient> grpc_anonymous_;
};

}  // namespace rms::e2e
