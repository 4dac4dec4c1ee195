// The one mapping from an absl::Status (carrying a DCS catalogue code) to gRPC and to HTTP.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace rms::status_mapping {

// An error as both protocols present it. A status without a catalogue payload (a bug, or a
// third-party error that escaped conversion) becomes DCS.5000 with a generic message, so
// nothing internal leaks; callers log the original with the request id first.
struct MappedError {
  std::string dcs_code;   // "DCS.4133"
  std::string message;    // error_msg
  int http_status = 500;  // 400, 401, 403, 404, 500
  grpc::StatusCode grpc_code = grpc::StatusCode::INTERNAL;
};

// Precondition: !status.ok().
MappedError MapError(const absl::Status& status);

// `{"error_code": ..., "error_msg": ..., "error_ext_msg": null}`.
std::string DcsErrorBody(const MappedError& error);

// The gRPC status of `error`; its DCS code travels in trailing metadata key kGrpcCodeKey.
grpc::Status ToGrpcStatus(const MappedError& error);
inline constexpr char kGrpcCodeKey[] = "dcs-error-code";

}  // namespace rms::status_mapping
