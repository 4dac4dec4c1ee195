// Schema migrations and the connection pool against a real PostgreSQL.
#include "storage/schema_migrator.h"

#include <gtest/gtest.h>

#include <memory>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <string>
#include <thread>
#include <vector>

#include "services/common/errors.h"
#include "storage/pg_pool.h"
#include "tests/support/pg_test_database.h"

namespace rms::storage {
namespace {

using test_support::PgDatabaseTest;

int64_t QueryInt(const std::string& url, const std::string& query) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  return tx.exec1(query)[0].as<int64_t>();
}

std::unique_ptr<PgPool> MakePool(const std::string& url, int size = 2) {
  absl::StatusOr<std::unique_ptr<PgPool>> pool = PgPool::Create(url, size);
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? std::move(pool).value() : nullptr;
}

TEST(BuiltinMigrationsTest, AreEmbeddedInVersionOrder) {
  absl::Span<const Migration> migrations = BuiltinMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations[0].version, 1);
  EXPECT_EQ(migrations[0].name, "0001_init.sql");
  EXPECT_NE(migrations[0].sql.find("CREATE TABLE tasks"), absl::string_view::npos);
  for (size_t i = 1; i < migrations.size(); ++i) {
    EXPECT_GT(migrations[i].version, migrations[i - 1].version);
  }
}

TEST_F(PgDatabaseTest, MigrationsApplyOnceAndSecondRunChangesNothing) {
  std::unique_ptr<PgPool> pool = MakePool(db_url());
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<std::vector<int>> first = ApplyBuiltinMigrations(*pool);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->size(), BuiltinMigrations().size());
  const std::string count_tables =
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'";
  int64_t tables = QueryInt(db_url(), count_tables);
  EXPECT_EQ(tables, 8);  // seven tables (0005 added seen_signatures) + schema_migrations

  absl::StatusOr<std::vector<int>> second = ApplyBuiltinMigrations(*pool);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->empty());
  EXPECT_EQ(QueryInt(db_url(), count_tables), tables);
  EXPECT_EQ(QueryInt(db_url(), "SELECT count(*) FROM schema_migrations"),
            static_cast<int64_t>(BuiltinMigrations().size()));
}

TEST_F(PgDatabaseTest, ConcurrentMigratorsBothSucceedAndApplyOnce) {
  std::vector<absl::StatusOr<std::vector<int>>> results(4, std::vector<int>());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      std::unique_ptr<PgPool> pool = MakePool(db_url(), 1);
      if (pool != nullptr) results[i] = ApplyBuiltinMigrations(*pool);
    });
  }
  for (std::thread& thread : threads) thread.join();
  size_t applied = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    applied += result->size();
  }
  EXPECT_EQ(applied, BuiltinMigrations().size());
  EXPECT_EQ(QueryInt(db_url(), "SELECT count(*) FROM schema_migrations"),
            static_cast<int64_t>(BuiltinMigrations().size()));
}

TEST_F(PgDatabaseTest, FailingMigrationAppliesNothing) {
  std::unique_ptr<PgPool> pool = MakePool(db_url());
  ASSERT_NE(pool, nullptr);
  const Migration migrations[] = {{1, "0001_a.sql", "CREATE TABLE a (x int)"},
                                  {2, "0002_b.sql", "CREATE TABLE b (x nosuchtype)"}};
  absl::StatusOr<std::vector<int>> result = ApplyMigrations(*pool, migrations);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("SQLSTATE 42704"), absl::string_view::npos)
      << result.status();
  EXPECT_EQ(QueryInt(db_url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'a'"), 0);

  const Migration duplicate[] = {{1, "0001_a.sql", "SELECT 1"}, {1, "0001_b.sql", "SELECT 1"}};
  EXPECT_EQ(ApplyMigrations(*pool, duplicate).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PgDatabaseTest, AGapInTheNumberingIsFilledWhenTheMissingMigrationArrives) {
  // Branches number their migrations independently: 0006 may be applied before 0005 exists.
  std::unique_ptr<PgPool> pool = MakePool(db_url());
  ASSERT_NE(pool, nullptr);
  const Migration with_gap[] = {{1, "0001_a.sql", "CREATE TABLE a (x int)"},
                                {3, "0003_c.sql", "CREATE TABLE c (x int)"}};
  absl::StatusOr<std::vector<int>> first = ApplyMigrations(*pool, with_gap);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, (std::vector<int>{1, 3}));
  const Migration filled[] = {{1, "0001_a.sql", "CREATE TABLE a (x int)"},
                              {2, "0002_b.sql", "CREATE TABLE b (x int)"},
                              {3, "0003_c.sql", "CREATE TABLE c (x int)"}};
  absl::StatusOr<std::vector<int>> second = ApplyMigrations(*pool, filled);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, (std::vector<int>{2}));
  EXPECT_EQ(QueryInt(db_url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'b'"), 1);
}

TEST_F(PgDatabaseTest, PoolReconnectsAfterTheServerDropsItsConnections) {
  std::unique_ptr<PgPool> pool = MakePool(db_url(), 2);
  ASSERT_NE(pool, nullptr);
  auto select_one = [&] {
    return pool->Run("SelectOne", [](pqxx::connection& connection) -> absl::StatusOr<int> {
      pqxx::nontransaction tx(connection);
      return tx.exec1("SELECT 1")[0].as<int>();
    });
  };
  ASSERT_TRUE(select_one().ok());
  QueryInt(admin_url(),
           "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
               std::string(db_url().substr(db_url().rfind('/') + 1)) + "'");
  absl::StatusOr<int> after_kill = select_one();
  if (!after_kill.ok()) {
    EXPECT_EQ(after_kill.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(errors::DcsCodeOf(after_kill.status()), "DCS.5030");
    after_kill = select_one();
  }
  ASSERT_TRUE(after_kill.ok()) << after_kill.status();
  EXPECT_EQ(*after_kill, 1);
}

TEST(PgPoolTest, UnreachableServerIsUnavailableWithoutThePassword) {
  absl::StatusOr<std::unique_ptr<PgPool>> pool =
      PgPool::Create("postgresql://rms:hunter2@127.0.0.1:1/postgres?connect_timeout=2", 1);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(errors::DcsCodeOf(pool.status()), "DCS.5030");
  EXPECT_EQ(pool.status().message().find("hunter2"), absl::string_view::npos) << pool.status();
  EXPECT_EQ(PgPool::Create("postgresql:///x", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rms::storage
