// Percent-decoding of request paths and query strings (RFC 3986, form-style '+' in queries).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::http {

// "%2F" -> "/"; with `plus_is_space`, "+" -> " " (query strings). DCS.4000 for a '%' not
// followed by two hex digits, or a decoded NUL byte.
absl::StatusOr<std::string> PercentDecode(absl::string_view text, bool plus_is_space);

// "a=1&b=x%20y&c" -> {{"a","1"},{"b","x y"},{"c",""}}; empty pieces are skipped.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    absl::string_view query);

}  // namespace rms::http
