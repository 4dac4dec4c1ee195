// Test helper: a fresh PostgreSQL database per test on the server named by RMS_TEST_DATABASE_URL.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::test_support {

// The environment variable tests/run sets to a superuser URL of a throwaway server.
inline constexpr char kTestDatabaseUrlEnv[] = "RMS_TEST_DATABASE_URL";

// The value of RMS_TEST_DATABASE_URL, or nullopt when unset or empty.
std::optional<std::string> TestDatabaseUrlFromEnv();

// `url` (a libpq URL "postgresql://[userinfo@][host][:port][/db][?params]") with its database
// replaced by `database`. INVALID_ARGUMENT when `url` is not a postgres(ql):// URL.
absl::StatusOr<std::string> UrlWithDatabase(absl::string_view url, absl::string_view database);

// A database "rms_test_<random>" created on construction and dropped (WITH (FORCE), so open
// connections do not block it) on destruction. Unique names let tests run in parallel.
class PgTestDatabase {
 public:
  // Creates the database through `admin_url` (a superuser URL). Errors are plain statuses with
  // the server's message.
  static absl::StatusOr<std::unique_ptr<PgTestDatabase>> Create(absl::string_view admin_url);
  ~PgTestDatabase();

  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // A URL of the new database, with the admin URL's user and host.
  const std::string& url() const { return url_; }

 private:
  PgTestDatabase(std::string admin_url, std::string name, std::string url);

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// A gtest fixture: skips the test when RMS_TEST_DATABASE_URL is unset, otherwise gives each test
// a fresh database at db_url(), dropped after the test.
class PgDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& admin_url() const { return admin_url_; }
  const std::string& db_url() const { return database_->url(); }

 private:
  std::string admin_url_;
  std::unique_ptr<PgTestDatabase> database_;
};

}  // namespace rms::test_support
