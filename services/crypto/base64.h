// Standard base64 (RFC 4648, with padding) for binary values stored as text.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::crypto {

// Padded standard base64 of `bytes`.
std::string Base64Encode(absl::string_view bytes);

// The bytes encoded by `text` (standard alphabet; padding optional). INVALID_ARGUMENT when `text`
// is not base64; the message does not quote the input.
absl::StatusOr<std::string> Base64Decode(absl::string_view text);

}  // namespace rms::crypto
