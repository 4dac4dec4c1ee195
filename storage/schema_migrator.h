// Applies the forward-only numbered SQL migrations once, under an advisory lock, in one
// transaction.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "storage/pg_pool.h"

namespace rms::storage {

// One file of migrations/: `NNNN_name.sql` -> {NNNN, "NNNN_name.sql", its text}.
struct Migration {
  int version;
  absl::string_view name;
  absl::string_view sql;
};

// The migrations/*.sql files compiled into the library (generated at build time from the list in
// storage/CMakeLists.txt), in version order.
absl::Span<const Migration> BuiltinMigrations();

// Applies every migration of `migrations` whose version is not yet in table schema_migrations,
// in version order, recording each version; all in one transaction holding
// pg_advisory_xact_lock, so concurrent callers (several processes starting at once) serialise and
// a later run applies nothing. Returns the versions applied by this call. INVALID_ARGUMENT when
// versions repeat; errors of pg_errors.h when SQL fails (nothing is applied then). Any thread.
absl::StatusOr<std::vector<int>> ApplyMigrations(PgPool& pool,
                                                 absl::Span<const Migration> migrations);

// The highest version recorded in schema_migrations (0 before the first migration). Errors of
// pg_errors.h (UNAVAILABLE when the database cannot be reached). Any thread.
absl::StatusOr<int> AppliedSchemaVersion(PgPool& pool);

// The highest version of BuiltinMigrations(): the schema this binary needs.
int BuiltinSchemaVersion();

// ApplyMigrations(pool, BuiltinMigrations()).
absl::StatusOr<std::vector<int>> ApplyBuiltinMigrations(PgPool& pool);

}  // namespace rms::storage
