// TaskConfig: what a configured task must do, as stored in the tasks.config jsonb column.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::task_config {

// TLS to one side (our extension); not secret, stored as given (validated).
struct TlsConfig {
  bool enabled = false;
  std::string ca_cert;      // PEM, "" = the system's trust store
  std::string server_name;  // "" = the host of addrs
  bool insecure_skip_verify = false;
};

// One side of a migration, resolved: addrs are always set; the password is sealed (never plain).
struct EndpointConfig {
  std::string instance_id;      // registered instance it came from, or ""
  std::string instance_name;    // its name, or ""
  std::string addrs;            // as given (validated)
  std::string sealed_password;  // SecretBox-sealed, "" = no password
  std::string username;         // ACL user, "" = default (our extension)
  TlsConfig tls;                // our extension
};

struct ImportFile {
  std::string file_name;
  std::string size;
};

struct TaskConfig {
  std::string migration_method;    // full_amount_migration | incremental_migration
  std::string resume_mode;         // auto | manual
  std::string bandwidth_limit_mb;  // "" = unlimited
  // flush | fail | "" (flush only if the target held no keys at the first sync); see README.
  std::string full_resync_policy;
  std::map<int, int> db_mapping;  // source db -> target db (ours); unlisted dbs keep theirs
  std::optional<EndpointConfig> source;
  std::optional<EndpointConfig> target;
  // Accepted and echoed; they mean nothing here.
  std::string vpc_id, subnet_id, security_group_id;
  // Backup-file import tasks only.
  std::string file_source;
  std::string bucket_name;
  std::vector<ImportFile> files;
};

// Serialises to a JSON object (the jsonb column).
std::string TaskConfigToJson(const TaskConfig& config);

// Parses what TaskConfigToJson wrote. INTERNAL (no payload) on a corrupt row.
absl::StatusOr<TaskConfig> TaskConfigFromJson(absl::string_view json);

}  // namespace rms::task_config
