// Test helper: a fresh PostgreSQL database per test on the server named by RMS_TEST_DATABASE_URL.
#include "tests/support/pg_test_database.h"

#include <unistd.h>

#include <cstdlib>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace rms::test_support {
namespace {

std::string RandomDatabaseName() {
  std::random_device device;
  std::mt19937_64 random(device() ^ (static_cast<uint64_t>(getpid()) << 32));
  return absl::StrCat("rms_test_", absl::Hex(random(), absl::kZeroPad16));
}

absl::Status RunAdmin(const std::string& admin_url, const std::string& statement) {
  try {
    pqxx::connection connection(admin_url);
    pqxx::nontransaction tx(connection);
    tx.exec(statement);
    return absl::OkStatus();
  } catch (const std::exception& error) {
    return absl::UnavailableError(absl::StrCat(statement, ": ", error.what()));
  }
}

}  // namespace

std::optional<std::string> TestDatabaseUrlFromEnv() {
  const char* value = std::getenv(kTestDatabaseUrlEnv);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

absl::StatusOr<std::string> UrlWithDatabase(absl::string_view url, absl::string_view database) {
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos ||
      !(absl::StartsWith(url, "postgresql") || absl::StartsWith(url, "postgres"))) {
    return absl::InvalidArgumentError("not a postgresql:// URL");
  }
  size_t authority = scheme_end + 3;
  size_t query = url.find('?', authority);
  if (query == absl::string_view::npos) query = url.size();
  size_t path = url.find('/', authority);
  if (path == absl::string_view::npos || path > query) path = query;
  return absl::StrCat(url.substr(0, path), "/", database, url.substr(query));
}

absl::StatusOr<std::unique_ptr<PgTestDatabase>> PgTestDatabase::Create(
    absl::string_view admin_url) {
  std::string name = RandomDatabaseName();
  absl::StatusOr<std::string> url = UrlWithDatabase(admin_url, name);
  if (!url.ok()) return url.status();
  absl::Status created = RunAdmin(std::string(admin_url), absl::StrCat("CREATE DATABASE ", name));
  if (!created.ok()) return created;
  return std::unique_ptr<PgTestDatabase>(
      new PgTestDatabase(std::string(admin_url), std::move(name), *std::move(url)));
}

PgTestDatabase::PgTestDatabase(std::string admin_url, std::string name, std::string url)
    : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}

PgTestDatabase::~PgTestDatabase() {
  RunAdmin(admin_url_, absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"))
      .IgnoreError();
}

void PgDatabaseTest::SetUp() {
  std::optional<std::string> admin_url = TestDatabaseUrlFromEnv();
  if (!admin_url) {
    GTEST_SKIP() << kTestDatabaseUrlEnv
                 << " is not set; run tests/run, or source tests/support/throwaway_pg.sh and "
                    "call start_throwaway_pg";
  }
  admin_url_ = *admin_url;
  absl::StatusOr<std::unique_ptr<PgTestDatabase>> database = PgTestDatabase::Create(admin_url_);
  ASSERT_TRUE(database.ok()) << database.status();
  database_ = std::move(database).value();
}

void PgDatabaseTest::TearDown() { database_.reset(); }

}  // namespace rms::test_support
