// Turns a task's stored endpoint (addrs, sealed password, ACL user, TLS) into an engine endpoint.
#pragma once

#include "absl/status/statusor.h"
#include "services/crypto/secret_box.h"
#include "services/engine/redis/redis_client.h"
#include "services/task_config/task_config.h"

namespace rms::worker {

// The single node of `endpoint` with its password opened, its ACL user and TLS settings.
// INVALID_ARGUMENT for several nodes (Redis Cluster is not supported by this engine yet) or
// malformed addrs; the SecretBox's error when the password cannot be opened (wrong key file).
absl::StatusOr<engine::redis::Endpoint> ToEngineEndpoint(
    const task_config::EndpointConfig& endpoint, const crypto::SecretBox& secrets,
    absl::string_view role);

// The stable log_code of a failure in `phase` ("source", "target", "snapshot", "stream").
std::string FailureCode(absl::string_view phase, const absl::Status& status);

}  // namespace rms::worker
