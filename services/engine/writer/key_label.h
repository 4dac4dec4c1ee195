// How a key appears in error messages and warnings: escaped and truncated, or only its hash.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace rms::engine::writer {

// FNV-1a 64 of the key: stable across processes and builds, so logs can be correlated.
uint64_t KeyHash(absl::string_view key);

// With `redact`: "key#<16 hex digits of KeyHash>". Without: the key C-escaped in single quotes,
// cut after 128 bytes ("...'" marks the cut). An empty key prints as ''.
std::string KeyLabel(absl::string_view key, bool redact);

}  // namespace rms::engine::writer
