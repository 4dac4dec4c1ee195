// EmbeddedPostgres: initdb, start, restart with the data kept, a crashed owner, bad directories.
#include "storage/embedded_postgres.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <string>

#include "absl/time/clock.h"
#include "storage/os_process.h"
#include "storage/pg_store.h"

namespace rms::storage {
namespace {

class EmbeddedPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/lib/postgresql/15/bin/pg_ctl", X_OK) != 0) {
      GTEST_SKIP() << "PostgreSQL 15 is not installed";
    }
    char name[] = "/tmp/rms-embedded-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    dir_ = name;
    chmod(dir_.c_str(), 0755);  // the postgres user must reach the data directory
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!predicate()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

std::string Query(const std::string& url, const std::string& query) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  return tx.exec1(query)[0].c_str();
}

void Exec(const std::string& url, const std::string& statement) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  tx.exec(statement);
}

TEST_F(EmbeddedPostgresTest, StartsStopsAndKeepsDataAcrossRestarts) {
  std::string data_dir = dir_ + "/data";
  {
    EmbeddedPostgres postgres;
    absl::StatusOr<std::string> url = postgres.Start(data_dir);
    ASSERT_TRUE(url.ok()) << url.status();
    EXPECT_EQ(*url, "postgresql:///rms?host=" + data_dir + "/pg-run&user=rms");
    EXPECT_EQ(Query(*url, "SELECT current_database()"), "rms");
    EXPECT_EQ(Query(*url, "SHOW listen_addresses"), "");
    EXPECT_EQ(Query(*url, "SHOW server_encoding"), "UTF8");
    Exec(*url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    ASSERT_TRUE(postgres.Stop().ok());
    EXPECT_FALSE(postgres.running());
    EXPECT_ANY_THROW(Query(*url, "SELECT 1"));
  }
  EmbeddedPostgres postgres;
  absl::StatusOr<std::string> url = postgres.Start(data_dir);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(Query(*url, "SELECT v FROM kept"), "still here");
  absl::StatusOr<std::unique_ptr<PgStore>> store = PgStore::Open(*url, 2);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(postgres.Start(data_dir).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(EmbeddedPostgresTest, ServerLeftRunningByACrashedProcessIsTakenOver) {
  std::string data_dir = dir_ + "/data";
  EmbeddedPostgres crashed;
  absl::StatusOr<std::string> url = crashed.Start(data_dir);
  ASSERT_TRUE(url.ok()) << url.status();
  Exec(*url, "CREATE TABLE kept (v int)");
  crashed.AbandonForTest();  // its destructor no longer stops the server

  EmbeddedPostgres successor;
  absl::StatusOr<std::string> again = successor.Start(data_dir);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Query(*again, "SELECT count(*) FROM kept"), "0");
  ASSERT_TRUE(successor.Stop().ok());
}

TEST_F(EmbeddedPostgresTest, StalePidFileOfAKilledServerIsHandled) {
  std::string data_dir = dir_ + "/data";
  EmbeddedPostgres killed;
  absl::StatusOr<std::string> url = killed.Start(data_dir);
  ASSERT_TRUE(url.ok()) << url.status();
  killed.AbandonForTest();
  std::ifstream pid_file(data_dir + "/pg/postmaster.pid");
  pid_t pid = 0;
  ASSERT_TRUE(pid_file >> pid);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return !IsPostmasterOf(pid, data_dir + "/pg"); }, absl::Seconds(10)));
  ASSERT_TRUE(std::filesystem::exists(data_dir + "/pg/postmaster.pid"));

  EmbeddedPostgres successor;
  absl::StatusOr<std::string> again = successor.Start(data_dir);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Query(*again, "SELECT 1"), "1");
}

TEST_F(EmbeddedPostgresTest, ServerUserThatCannotReachTheDataDirIsAClearError) {
  if (geteuid() != 0) GTEST_SKIP() << "only root hands the server to another user";
  std::string closed = dir_ + "/closed";
  ASSERT_EQ(mkdir(closed.c_str(), 0700), 0);
  EmbeddedPostgres postgres;
  absl::StatusOr<std::string> url = postgres.Start(closed + "/data");
  EXPECT_EQ(url.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(url.status().message().find("--data-dir"), absl::string_view::npos) << url.status();
}

TEST_F(EmbeddedPostgresTest, MissingBinariesAreAClearError) {
  EmbeddedPostgres::Options options;
  options.bin_dir = dir_ + "/no-bin";
  EmbeddedPostgres postgres(options);
  absl::StatusOr<std::string> url = postgres.Start(dir_ + "/data");
  EXPECT_EQ(url.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(url.status().message().find("postgresql-15"), absl::string_view::npos);
}

}  // namespace
}  // namespace rms::storage
