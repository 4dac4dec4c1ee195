// Every SQL statement rms_storage sends, as named constants; no SQL text lives anywhere else.
#pragma once

#include <cstdint>

// clang-format off
// Timestamps travel as microseconds since the Unix epoch (bigint), NULL for "none".
#define RMS_SQL_MICROS(column) "(EXTRACT(EPOCH FROM " column ") * 1000000)::bigint"
#define RMS_SQL_FROM_MICROS(param) \
  "(timestamptz 'epoch' + (" param ")::bigint * interval '1 microsecond')"

// Column order read by TaskFromRow (storage/pg_rows.cc). The last column says whether a worker
// holds a lease that has not expired by the database's clock.
#define RMS_SQL_TASK_COLUMNS                                                                     \
  "id, project_id, name, description, kind, COALESCE(job_id, ''), config::text, status, error, " \
  "desired_state, stats::text, lease_owner, lease_epoch, "                                       \
  RMS_SQL_MICROS("lease_expires_at") ", " RMS_SQL_MICROS("created_at") ", "                      \
  RMS_SQL_MICROS("updated_at") ", " RMS_SQL_MICROS("released_at") ", "                           \
  "(lease_owner <> '' AND lease_expires_at IS NOT NULL AND lease_expires_at > now()), "         \
  "target_empty_at_first_sync"

// A task a worker may claim: an operator wants it running and no live lease holds it.
#define RMS_SQL_TASK_CLAIMABLE                                                 \
  "(desired_state = 'running' AND status = 'MIGRATING' AND "                   \
  "(lease_owner = '' OR lease_expires_at IS NULL OR lease_expires_at <= now()))"

// Column order read by EventFromRow.
#define RMS_SQL_EVENT_COLUMNS                                              \
  "id, task_id, " RMS_SQL_MICROS("created_at") ", level, code, message, " \
  "to_jsonb(keywords)::text, from_status, to_status"

// Column order read by InstanceFromRow.
#define RMS_SQL_INSTANCE_COLUMNS \
  "id, project_id, name, addrs, encrypted_password, description, " RMS_SQL_MICROS("created_at")

// Column order read by CredentialFromRow.
#define RMS_SQL_CREDENTIAL_COLUMNS                                               \
  "id, project_id, kind, COALESCE(token_sha256, ''), COALESCE(access_key, ''), " \
  "encrypted_secret_key, " RMS_SQL_MICROS("created_at") ", "                     \
  RMS_SQL_MICROS("expires_at") ", " RMS_SQL_MICROS("revoked_at")

// Column order read by VerificationFromRow.
#define RMS_SQL_VERIFICATION_COLUMNS                                                          \
  "id, task_id, project_id, mode, sample_keys, ttl_tolerance_s, max_source_ops_per_s, status," \
  " keys_checked, missing, extra, value_mismatch, ttl_mismatch, type_mismatch, examples::text," \
  " error, lease_owner, lease_epoch, " RMS_SQL_MICROS("lease_expires_at") ", "                 \
  RMS_SQL_MICROS("created_at") ", " RMS_SQL_MICROS("finished_at")
// clang-format on

namespace rms::storage::sql {

// ---- schema migrations -------------------------------------------------------------------------
// Key of the transaction-scoped advisory lock serialising migrators ("rms_sch" in ASCII).
inline constexpr int64_t kMigrationLockKey = 0x726d735f736368;
inline constexpr char kLockMigrations[] = "SELECT pg_advisory_xact_lock($1)";
inline constexpr char kCreateSchemaMigrations[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
inline constexpr char kSelectAppliedMigrations[] =
    "SELECT version FROM schema_migrations ORDER BY version";
inline constexpr char kSelectSchemaVersion[] =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";
inline constexpr char kInsertMigration[] =
    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

// ---- tasks -------------------------------------------------------------------------------------
// $14..$17: lease_expires_at, created_at, updated_at, released_at in micros (NULL = none / now).
inline constexpr char kInsertTask[] =
    "INSERT INTO tasks (id, project_id, name, description, kind, job_id, config, status, error,"
    " desired_state, stats, lease_owner, lease_epoch, lease_expires_at, created_at, updated_at,"
    " released_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7::jsonb, $8, $9, $10, $11::jsonb,"
    " $12, $13, " RMS_SQL_FROM_MICROS("$14") ", COALESCE(" RMS_SQL_FROM_MICROS("$15") ", now()),"
    " COALESCE(" RMS_SQL_FROM_MICROS("$16") ", now()), " RMS_SQL_FROM_MICROS("$17") ")";
inline constexpr char kSelectTask[] =
    "SELECT " RMS_SQL_TASK_COLUMNS " FROM tasks WHERE project_id = $1 AND id = $2";
inline constexpr char kSelectTaskForUpdate[] =
    "SELECT " RMS_SQL_TASK_COLUMNS " FROM tasks WHERE project_id = $1 AND id = $2 FOR UPDATE";
inline constexpr char kSelectTaskByJob[] =
    "SELECT " RMS_SQL_TASK_COLUMNS " FROM tasks WHERE project_id = $1 AND job_id = $2";
// $2: a LIKE pattern whose wildcards in user text are escaped with '\'.
inline constexpr char kCountTasks[] =
    "SELECT count(*) FROM tasks"
    " WHERE project_id = $1 AND status <> 'DELETED' AND name LIKE $2 ESCAPE '\\'";
inline constexpr char kListTasks[] =
    "SELECT " RMS_SQL_TASK_COLUMNS
    " FROM tasks"
    " WHERE project_id = $1 AND status <> 'DELETED' AND name LIKE $2 ESCAPE '\\'"
    " ORDER BY created_at DESC, id DESC OFFSET $3 LIMIT $4";
inline constexpr char kListLiveTasks[] =
    "SELECT " RMS_SQL_TASK_COLUMNS " FROM tasks WHERE status <> 'DELETED'"
    " ORDER BY created_at DESC LIMIT $1";
// Returns the written row plus a last column: whether a worker may claim it now.
// $15: target_empty_at_first_sync (NULL = not measured).
// clang-format off
inline constexpr char kUpdateTask[] =
    "UPDATE tasks SET name = $3, description = $4, kind = $5, config = $6::jsonb, status = $7,"
    " error = $8, desired_state = $9, stats = $10::jsonb, lease_owner = $11, lease_epoch = $12,"
    " lease_expires_at = " RMS_SQL_FROM_MICROS("$13") ","
    " released_at = " RMS_SQL_FROM_MICROS("$14") ","
    " target_empty_at_first_sync = $15::boolean,"
    " updated_at = now()"
    " WHERE project_id = $1 AND id = $2"
    " RETURNING " RMS_SQL_TASK_COLUMNS ", " RMS_SQL_TASK_CLAIMABLE;
// clang-format on
// Wakes workers LISTENing on the task channel; the payload is the task id.
inline constexpr char kNotifyTask[] = "SELECT pg_notify($1, $2)";

// ---- workers: claims, leases, checkpoints (fenced by lease_epoch) ---------------------------------
// clang-format off
// A task a worker should run now: wanted running (or stopping with a dead worker) and no live lease.
#define RMS_SQL_TASK_WORKABLE                                                               \
  "((desired_state = 'running' AND status IN ('MIGRATING', 'FULLMIGRATING', 'INCRMIGEATING'))" \
  " OR status = 'TERMINATING') AND"                                                         \
  " (lease_owner = '' OR lease_expires_at IS NULL OR lease_expires_at <= now())"
// Key of the transaction-scoped advisory lock serialising task claims ("rms_clm" in ASCII), so
// that each claim counts the leases the previous one took.
inline constexpr int64_t kClaimLockKey = 0x726d735f636c6d;
inline constexpr char kLockClaims[] = "SELECT pg_advisory_xact_lock($1)";
// $1 owner, $2 ttl in microseconds, $3 live leases a project may hold (0 = no cap). Fair claims:
// the project holding the fewest live leases first, then the task waiting longest (updated_at);
// a project at its cap is skipped, except for a TERMINATING task (a stop is never held back).
inline constexpr char kClaimTask[] =
    "UPDATE tasks SET lease_owner = $1, lease_epoch = lease_epoch + 1,"
    " lease_expires_at = now() + $2::bigint * interval '1 microsecond'"
    " WHERE id = (SELECT t.id FROM tasks t LEFT JOIN"
    " (SELECT project_id, count(*) AS running FROM tasks"
    "  WHERE lease_owner <> '' AND lease_expires_at > now() GROUP BY project_id) r"
    " ON r.project_id = t.project_id"
    " WHERE " RMS_SQL_TASK_WORKABLE
    " AND ($3::integer = 0 OR t.status = 'TERMINATING' OR COALESCE(r.running, 0) < $3::integer)"
    " ORDER BY COALESCE(r.running, 0), t.updated_at, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED)"
    " RETURNING " RMS_SQL_TASK_COLUMNS;
// $1 id, $2 epoch, $3 ttl in microseconds.
inline constexpr char kRenewLease[] =
    "UPDATE tasks SET lease_expires_at = now() + $3::bigint * interval '1 microsecond'"
    " WHERE id = $1 AND lease_epoch = $2 AND lease_owner <> ''"
    " RETURNING " RMS_SQL_TASK_COLUMNS;
inline constexpr char kSelectTaskByIdForUpdate[] =
    "SELECT " RMS_SQL_TASK_COLUMNS " FROM tasks WHERE id = $1 FOR UPDATE";
// clang-format on
inline constexpr char kReleaseLease[] =
    "UPDATE tasks SET lease_owner = '', lease_expires_at = NULL"
    " WHERE id = $1 AND lease_epoch = $2";
inline constexpr char kWriteStats[] =
    "UPDATE tasks SET stats = $3::jsonb WHERE id = $1 AND lease_epoch = $2";
// $1 task, $2 epoch, $3 shard, $4 replid, $5 offset, $6 db. Writes only while $2 is the epoch:
// FOR SHARE waits for a concurrent claim and re-reads the row, and a checkpoint of a newer epoch
// is never overwritten by an older owner.
inline constexpr char kWriteCheckpoint[] =
    "INSERT INTO checkpoints (task_id, shard, replid, repl_offset, epoch, db, skip_offsets,"
    " updated_at)"
    " SELECT $1, $3, $4, $5, $2, $6, string_to_array($7, ',')::bigint[], now() FROM tasks"
    " WHERE id = $1 AND lease_epoch = $2 FOR SHARE"
    " ON CONFLICT (task_id, shard) DO UPDATE SET replid = EXCLUDED.replid,"
    " repl_offset = EXCLUDED.repl_offset, epoch = EXCLUDED.epoch, db = EXCLUDED.db,"
    " skip_offsets = EXCLUDED.skip_offsets, updated_at = now()"
    " WHERE checkpoints.epoch <= EXCLUDED.epoch";
inline constexpr char kReadCheckpoints[] =
    "SELECT shard, replid, repl_offset, epoch, db, array_to_string(skip_offsets, ',')"
    " FROM checkpoints WHERE task_id = $1"
    " ORDER BY shard";
inline constexpr char kClearCheckpoints[] =
    "DELETE FROM checkpoints WHERE task_id = $1"
    " AND EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND lease_epoch = $2)";
// Locks the row against a concurrent claim until the caller's transaction ends.
inline constexpr char kCheckEpoch[] =
    "SELECT 1 FROM tasks WHERE id = $1 AND lease_epoch = $2 FOR SHARE";

// ---- verifications (claims and progress fenced by lease_epoch) ---------------------------------
// $8: created_at in micros (NULL = now).
inline constexpr char kInsertVerification[] =
    "INSERT INTO verifications (id, task_id, project_id, mode, sample_keys, ttl_tolerance_s,"
    " max_source_ops_per_s, created_at)"
    " SELECT $1::text, id, project_id, $4::text, $5::bigint, $6::integer, $7::integer,"
    " COALESCE(" RMS_SQL_FROM_MICROS("$8") ", now())"
    " FROM tasks WHERE id = $2 AND project_id = $3";
inline constexpr char kSelectVerification[] =
    "SELECT " RMS_SQL_VERIFICATION_COLUMNS
    " FROM verifications WHERE project_id = $1 AND task_id = $2 AND id = $3";
// clang-format off
// $1 owner, $2 ttl in microseconds. A verification taken over starts again from zero.
inline constexpr char kClaimVerification[] =
    "UPDATE verifications SET lease_owner = $1, lease_epoch = lease_epoch + 1,"
    " lease_expires_at = now() + $2::bigint * interval '1 microsecond',"
    " keys_checked = 0, missing = 0, extra = 0, value_mismatch = 0, ttl_mismatch = 0,"
    " type_mismatch = 0, examples = '[]'"
    " WHERE id = (SELECT id FROM verifications WHERE status = 'RUNNING' AND"
    " (lease_owner = '' OR lease_expires_at IS NULL OR lease_expires_at <= now())"
    " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " RETURNING " RMS_SQL_VERIFICATION_COLUMNS;
// clang-format on
// $3..$8 the counters, $9 the examples (JSON array), $10 ttl in microseconds.
inline constexpr char kWriteVerificationProgress[] =
    "UPDATE verifications SET keys_checked = $3, missing = $4, extra = $5, value_mismatch = $6,"
    " ttl_mismatch = $7, type_mismatch = $8, examples = $9::jsonb,"
    " lease_expires_at = now() + $10::bigint * interval '1 microsecond'"
    " WHERE id = $1 AND lease_epoch = $2 AND status = 'RUNNING'";
// $3..$8 the counters, $9 the examples, $10 the final status, $11 the error.
inline constexpr char kFinishVerification[] =
    "UPDATE verifications SET keys_checked = $3, missing = $4, extra = $5, value_mismatch = $6,"
    " ttl_mismatch = $7, type_mismatch = $8, examples = $9::jsonb, status = $10, error = $11,"
    " finished_at = now(), lease_owner = '', lease_expires_at = NULL"
    " WHERE id = $1 AND lease_epoch = $2 AND status = 'RUNNING'";
inline constexpr char kReleaseVerification[] =
    "UPDATE verifications SET lease_owner = '', lease_expires_at = NULL"
    " WHERE id = $1 AND lease_epoch = $2 AND status = 'RUNNING'";
inline constexpr char kCountVerificationsByStatus[] =
    "SELECT status, count(*) FROM verifications GROUP BY status";

// ---- task events -------------------------------------------------------------------------------
// $5: the keywords as a JSON array of strings.
inline constexpr char kInsertEvent[] =
    "INSERT INTO task_events (task_id, created_at, level, code, message, keywords, from_status,"
    " to_status) VALUES ($1, now(), $2, $3, $4,"
    " ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6, $7)";
// $2: level, '' = every level.
inline constexpr char kCountEvents[] =
    "SELECT count(*) FROM task_events WHERE task_id = $1 AND ($2 = '' OR level = $2)";
inline constexpr char kListEvents[] =
    "SELECT " RMS_SQL_EVENT_COLUMNS
    " FROM task_events"
    " WHERE task_id = $1 AND ($2 = '' OR level = $2) ORDER BY id OFFSET $3 LIMIT $4";

// ---- instances ---------------------------------------------------------------------------------
inline constexpr char kInsertInstance[] =
    "INSERT INTO instances (id, project_id, name, addrs, encrypted_password, description,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, COALESCE(" RMS_SQL_FROM_MICROS("$7") ", now()))";
inline constexpr char kSelectInstance[] =
    "SELECT " RMS_SQL_INSTANCE_COLUMNS " FROM instances WHERE project_id = $1 AND id = $2";
inline constexpr char kCountInstances[] = "SELECT count(*) FROM instances WHERE project_id = $1";
inline constexpr char kListInstances[] = "SELECT " RMS_SQL_INSTANCE_COLUMNS
                                         " FROM instances WHERE project_id = $1"
                                         " ORDER BY created_at, id OFFSET $2 LIMIT $3";
inline constexpr char kDeleteInstance[] = "DELETE FROM instances WHERE project_id = $1 AND id = $2";

// ---- credentials -------------------------------------------------------------------------------
// $7 created_at, $8 expires_at in micros (NULL = now / never).
inline constexpr char kInsertCredential[] =
    "INSERT INTO credentials (id, project_id, kind, token_sha256, access_key,"
    " encrypted_secret_key, created_at, expires_at) VALUES ($1, $2, $3, NULLIF($4, ''),"
    " NULLIF($5, ''), $6, COALESCE(" RMS_SQL_FROM_MICROS("$7") ", now()),"
    " " RMS_SQL_FROM_MICROS("$8") ")";
inline constexpr char kSelectCredentialByToken[] =
    "SELECT " RMS_SQL_CREDENTIAL_COLUMNS " FROM credentials WHERE token_sha256 = $1";
inline constexpr char kSelectCredentialByAccessKey[] =
    "SELECT " RMS_SQL_CREDENTIAL_COLUMNS " FROM credentials WHERE access_key = $1";
inline constexpr char kListCredentials[] =
    "SELECT " RMS_SQL_CREDENTIAL_COLUMNS
    " FROM credentials WHERE project_id = $1 ORDER BY created_at, id";
// $3: revoked_at in micros (NULL = now). A second revocation keeps the first time.
inline constexpr char kRevokeCredential[] =
    "UPDATE credentials SET revoked_at = COALESCE(revoked_at, " RMS_SQL_FROM_MICROS("$3") ","
    " now()) WHERE project_id = $1 AND id = $2 RETURNING " RMS_SQL_CREDENTIAL_COLUMNS;

// ---- seen AK/SK signatures (replay refusal) -----------------------------------------------------
// $1 signature (lower-case hex), $2 forget_after in micros. No row back: seen before.
inline constexpr char kRememberSignature[] =
    "INSERT INTO seen_signatures (signature, forget_after)"
    " VALUES ($1, " RMS_SQL_FROM_MICROS("$2") ") ON CONFLICT (signature) DO NOTHING"
    " RETURNING 1";
// $1: micros; rows whose forget_after is before it go.
inline constexpr char kForgetSignatures[] =
    "DELETE FROM seen_signatures WHERE forget_after < " RMS_SQL_FROM_MICROS("$1");

// ---- embedded server bootstrap -----------------------------------------------------------------
inline constexpr char kDatabaseExists[] = "SELECT 1 FROM pg_database WHERE datname = $1";
inline constexpr char kEmbeddedDatabase[] = "rms";
inline constexpr char kCreateEmbeddedDatabase[] = "CREATE DATABASE rms ENCODING 'UTF8'";

}  // namespace rms::storage::sql
