// The one place that turns endpoints and URLs into loggable text without secrets.
#pragma once

#include <string>
#include "absl/strings/string_view.h"

namespace rms {

// "postgresql://user:secret@host/db" -> "postgresql://user:***@host/db"; also masks
// "password=..." key/value pairs. Text without secrets is returned unchanged.
std::string RedactUrl(absl::string_view url);

// "***" for any non-empty secret, "" for an empty one (so logs show whether one was given).
std::string RedactSecret(absl::string_view secret);

}  // namespace rms
