// Base64 through Abseil's escaping helpers.
#include "services/crypto/base64.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace rms::crypto {

std::string Base64Encode(absl::string_view bytes) { return absl::Base64Escape(bytes); }

absl::StatusOr<std::string> Base64Decode(absl::string_view text) {
  std::string out;
  if (!absl::Base64Unescape(text, &out)) return absl::InvalidArgumentError("invalid base64");
  return out;
}

}  // namespace rms::crypto
