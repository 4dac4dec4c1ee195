// CheckDatabasesFitTarget: at configure time, a source whose keys live in databases other than 0
// cannot go into a Redis Cluster target (db 0 only) unless db_mapping sends them to 0. Asked of
// the servers with short timeouts; when either side does not answer the check passes (the
// worker reports a failure later, naming the db).
#pragma once

#include "absl/status/status.h"
#include "services/crypto/secret_box.h"
#include "services/task_config/task_config.h"

namespace rms::worker {

// OK, or DCS.4002 naming db_mapping and the first database whose keys would not fit.
absl::Status CheckDatabasesFitTarget(const task_config::TaskConfig& config,
                                     const crypto::SecretBox& secrets);

// The databases with keys in an INFO keyspace reply ("db2:keys=5,..." -> 2).
std::vector<int> DatabasesWithKeys(absl::string_view info);

}  // namespace rms::worker
