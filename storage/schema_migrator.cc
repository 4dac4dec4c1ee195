// Applies the forward-only numbered SQL migrations once, under an advisory lock, in one
// transaction.
#include "storage/schema_migrator.h"

#include <algorithm>
#include <pqxx/result>
#include <pqxx/transaction>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

absl::StatusOr<std::vector<Migration>> Sorted(absl::Span<const Migration> migrations) {
  std::vector<Migration> sorted(migrations.begin(), migrations.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].version == sorted[i - 1].version) {
      return absl::InvalidArgumentError(absl::StrCat("two migrations have version ",
                                                     sorted[i].version, ": ", sorted[i - 1].name,
                                                     " and ", sorted[i].name));
    }
  }
  return sorted;
}

std::set<int> AppliedVersions(pqxx::work& tx) {
  std::set<int> applied;
  for (const pqxx::row& row : tx.exec(sql::kSelectAppliedMigrations)) {
    applied.insert(row[0].as<int>());
  }
  return applied;
}

std::vector<int> ApplyPending(pqxx::work& tx, const std::vector<Migration>& migrations) {
  tx.exec_params(sql::kLockMigrations, sql::kMigrationLockKey);
  tx.exec(sql::kCreateSchemaMigrations);
  std::set<int> applied = AppliedVersions(tx);
  std::vector<int> done;
  for (const Migration& migration : migrations) {
    if (applied.count(migration.version) > 0) continue;
    tx.exec(std::string(migration.sql));
    tx.exec_params(sql::kInsertMigration, migration.version, std::string(migration.name));
    done.push_back(migration.version);
  }
  return done;
}

}  // namespace

absl::StatusOr<std::vector<int>> ApplyMigrations(PgPool& pool,
                                                 absl::Span<const Migration> migrations) {
  absl::StatusOr<std::vector<Migration>> sorted = Sorted(migrations);
  if (!sorted.ok()) return sorted.status();
  absl::StatusOr<std::vector<int>> applied = pool.Run(
      "ApplyMigrations", [&](pqxx::connection& connection) -> absl::StatusOr<std::vector<int>> {
        pqxx::work tx(connection);
        std::vector<int> done = ApplyPending(tx, *sorted);
        tx.commit();
        return done;
      });
  if (applied.ok() && !applied->empty()) {
    LogInfo(absl::StrCat("applied ", applied->size(), " schema migration(s), now at version ",
                         applied->back()));
  }
  return applied;
}

absl::StatusOr<int> AppliedSchemaVersion(PgPool& pool) {
  return pool.Run("AppliedSchemaVersion", [](pqxx::connection& connection) -> absl::StatusOr<int> {
    pqxx::read_transaction tx(connection);
    return tx.exec1(sql::kSelectSchemaVersion)[0].as<int>();
  });
}

int BuiltinSchemaVersion() {
  int latest = 0;
  for (const Migration& migration : BuiltinMigrations()) latest = std::max(latest, migration.version);
  return latest;
}

absl::StatusOr<std::vector<int>> ApplyBuiltinMigrations(PgPool& pool) {
  return ApplyMigrations(pool, BuiltinMigrations());
}

}  // namespace rms::storage
