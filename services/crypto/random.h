// Cryptographically secure random bytes, hex strings and strings over an alphabet.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::crypto {

// `n` bytes from OpenSSL's CSPRNG (RAND_bytes). INTERNAL if the generator fails. Any thread.
absl::StatusOr<std::string> RandomBytes(size_t n);

// Lower-case hex of `n` random bytes (2n characters). INTERNAL if the generator fails.
absl::StatusOr<std::string> RandomHex(size_t n);

// `n` characters drawn uniformly (rejection sampling, no modulo bias) from `alphabet`.
// INVALID_ARGUMENT if `alphabet` is empty or longer than 256; INTERNAL if the generator fails.
absl::StatusOr<std::string> RandomString(size_t n, absl::string_view alphabet);

}  // namespace rms::crypto
