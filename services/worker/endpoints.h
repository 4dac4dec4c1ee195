// Turns a task's stored endpoint (addrs, sealed password, ACL user, TLS) into engine endpoints.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "services/crypto/secret_box.h"
#include "services/engine/redis/redis_client.h"
#include "services/task_config/task_config.h"

namespace rms::worker {

// Every node of `endpoint` ("host:port[,host:port...]"), each with the password opened, the ACL
// user and the TLS settings.
// INVALID_ARGUMENT for malformed addrs; FAILED_PRECONDITION when the password cannot be opened
// (wrong key file).
absl::StatusOr<std::vector<engine::redis::Endpoint>> ToEngineEndpoints(
    const task_config::EndpointConfig& endpoint, const crypto::SecretBox& secrets,
    absl::string_view role);

// The stable log_code of a failure in `phase` ("source", "target", "snapshot", "stream").
std::string FailureCode(absl::string_view phase, const absl::Status& status);

}  // namespace rms::worker
