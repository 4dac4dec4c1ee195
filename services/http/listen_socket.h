// ListenOn: a non-blocking TCP listening socket on a numeric host and port.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace rms::http {

// Binds host:port ("127.0.0.1", "::1", "0.0.0.0"; port 0 = any free port) and listens.
// Returns the descriptor (close-on-exec, non-blocking) and sets *bound_port.
// UNAVAILABLE if the host is not numeric or the address cannot be bound.
absl::StatusOr<int> ListenOn(const std::string& host, int port, int* bound_port);

}  // namespace rms::http
