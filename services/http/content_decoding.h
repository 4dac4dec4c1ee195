// Content-Encoding of request bodies: gzip and deflate inflated under a size cap (zlib).
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::http {

// Undoes `content_encoding` (the Content-Encoding field value: "gzip", "deflate", "identity",
// or a comma-separated list applied in order) on `body`. Inflation stops as soon as the output
// would pass `max_bytes`: DCS.4413, so a small gzip bomb never takes more than `max_bytes`.
// DCS.4415 for an unknown coding (or more than 4); DCS.4000 for corrupt compressed data or
// bytes after the end of the compressed stream.
absl::StatusOr<std::string> DecodeContent(absl::string_view content_encoding, std::string body,
                                          size_t max_bytes);

}  // namespace rms::http
