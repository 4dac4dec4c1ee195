// Strict parsing of duration flags such as --expires-in 90d.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rms::server {

// The longest --expires-in accepted (ten years).
inline constexpr absl::Duration kMaxCredentialLifetime = absl::Hours(24 * 3650);

// Parses "<N><unit>": N a positive decimal integer without sign or leading zero, unit one of
// s (seconds), m (minutes), h (hours), d (days of 24 h); "30m", "12h", "90d". Nothing else is
// accepted (no spaces, fractions, combinations like "1h30m", or a bare number), and the result
// must be at most `max`. INVALID_ARGUMENT naming `flag` and showing the accepted form otherwise.
absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& flag, const std::string& value,
                                                 absl::Duration max);

}  // namespace rms::server
