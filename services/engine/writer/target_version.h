// Which RDB version a target Redis loads, from its INFO redis_version.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/writer/target_node.h"

namespace rms::engine::writer {

// The newest RDB version that Redis `redis_version` ("7.2.4") loads: 7.4+ (and 8.x) -> 12,
// 7.2 -> 11, 7.0 -> 10, 5.x/6.x -> 9, 4.x -> 8, 3.2 -> 7, 2.6..3.0 -> 6, 2.4 -> 2, older -> 1.
// INVALID_ARGUMENT when the text is not "<major>.<minor>[.<patch>...]".
absl::StatusOr<int> RdbVersionForRedisVersion(absl::string_view redis_version);

// Sends INFO server to `node` and maps its redis_version (Valkey reports the Redis version it is
// compatible with). Errors: those of the exchange, FAILED_PRECONDITION for an error reply,
// INVALID_ARGUMENT when the reply has no usable redis_version.
absl::StatusOr<int> QueryTargetRdbVersion(TargetNode& node);

}  // namespace rms::engine::writer
