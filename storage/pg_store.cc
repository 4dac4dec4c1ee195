// PgStore construction: opens the pool and brings the schema up to date.
#include "storage/pg_store.h"

#include <utility>

#include "storage/schema_migrator.h"

namespace rms::storage {

absl::StatusOr<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url, int pool_size) {
  absl::StatusOr<std::unique_ptr<PgPool>> pool = PgPool::Create(url, pool_size);
  if (!pool.ok()) return pool.status();
  absl::StatusOr<std::vector<int>> applied = ApplyBuiltinMigrations(**pool);
  if (!applied.ok()) return applied.status();
  return std::make_unique<PgStore>(std::move(pool).value());
}

PgStore::PgStore(std::unique_ptr<PgPool> pool) : pool_(std::move(pool)) {}

}  // namespace rms::storage
