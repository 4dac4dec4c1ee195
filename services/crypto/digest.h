// SHA-256 and HMAC-SHA256 as lower-case hex, and a constant-time comparison.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace rms::crypto {

// Lower-case hex SHA-256 of `bytes` (64 characters). Any thread.
std::string Sha256Hex(absl::string_view bytes);

// Lower-case hex HMAC-SHA256 of `data` under `key` (64 characters). Any thread.
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

// True when `a` and `b` are equal. Takes time independent of where they differ; the length is
// not treated as secret (different lengths return false at once). Any thread.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace rms::crypto
