// Plain rows the stores read and write; no SQL and no protobuf here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/task_model/task_status.h"

namespace rms::storage {

// One migration task. `config_json` is the task's configuration as a JSON object (jsonb in
// PostgreSQL); passwords inside it are already encrypted by the caller.
struct TaskRecord {
  std::string id;
  std::string project_id;
  std::string name;
  std::string description;
  std::string kind;           // "online_migration" | "backupfile_import"
  std::string job_id;         // the creation job (show_job)
  std::string config_json = "{}";
  // Stored as its DCS spelling ("INCRMIGEATING"); a row with an unknown spelling is not read.
  task_model::TaskStatus status = task_model::TaskStatus::kRunning;
  std::string error;          // why MIGRATION_FAILED, "" otherwise
  std::string desired_state;  // "idle" | "running" | "stopped" | "deleted": what an operator asked
  std::string stats_json = "{}";  // written by the engine; read by the stats API
  std::string lease_owner;    // "" when no worker holds it
  int64_t lease_epoch = 0;
  std::optional<absl::Time> lease_expires_at;
  absl::Time created_at;
  absl::Time updated_at;
  std::optional<absl::Time> released_at;
  // Whether the target held no keys when the task's first sync began; nullopt until a worker
  // measured it (configure resets it). Decides the default full_resync_policy.
  std::optional<bool> target_empty_at_first_sync;
  // Read only: a worker held a lease that had not expired by the database's clock (now()) when
  // the row was read. Never written.
  bool lease_live = false;
};

// One entry of a task's log: a status transition or an engine message.
struct TaskEvent {
  int64_t id = 0;
  std::string task_id;
  absl::Time created_at;
  std::string level;  // "info" | "warning" | "error"
  std::string code;   // stable log_code, e.g. "TASK_CONFIGURED"
  std::string message;
  std::vector<std::string> keywords;
  std::string from_status;  // "" when not a transition
  std::string to_status;
};

// A registered Redis instance (the `id` a configure body may refer to).
struct InstanceRecord {
  std::string id;
  std::string project_id;
  std::string name;
  std::string addrs;
  std::string encrypted_password;  // "" when the instance has no password
  std::string description;
  absl::Time created_at;
};

// A credential: a token (stored as its SHA-256 hash) or an access key with its encrypted secret.
struct CredentialRecord {
  std::string id;
  std::string project_id;
  std::string kind;            // "token" | "aksk"
  std::string token_sha256;    // hex; for tokens
  std::string access_key;      // for aksk
  std::string encrypted_secret_key;  // for aksk
  absl::Time created_at;
  std::optional<absl::Time> expires_at;  // nullopt: never expires
  std::optional<absl::Time> revoked_at;  // nullopt: not revoked
};

// What a verification found so far: keys compared and differences by kind.
struct VerificationCounts {
  int64_t keys_checked = 0;
  int64_t missing = 0;         // on the source, absent on the target
  int64_t extra = 0;           // on the target, absent on the source (full mode)
  int64_t value_mismatch = 0;
  int64_t ttl_mismatch = 0;
  int64_t type_mismatch = 0;
};

// One key that differs; `problem` is missing | extra | value | ttl | type.
struct VerificationExample {
  int db = 0;
  std::string key;  // printable (escaped by the verifier)
  std::string problem;
};

// A comparison of a task's source and target, run by a worker under a lease (like a task).
struct VerificationRecord {
  std::string id;
  std::string task_id;
  std::string project_id;
  std::string mode;  // "full" | "sample"
  int64_t sample_keys = 0;
  int ttl_tolerance_s = 1;
  int max_source_ops_per_s = 0;
  std::string status;  // "RUNNING" | "DONE" | "FAILED"
  VerificationCounts counts;
  std::vector<VerificationExample> examples;
  std::string error;        // why FAILED, "" otherwise
  std::string lease_owner;  // "" when no worker runs it
  int64_t lease_epoch = 0;
  std::optional<absl::Time> lease_expires_at;
  absl::Time created_at;
  std::optional<absl::Time> finished_at;
};

// A page of rows plus the number of rows matching the filter (for `count` / `log_num`).
template <typename T>
struct Page {
  int64_t total = 0;
  std::vector<T> rows;
};

}  // namespace rms::storage
