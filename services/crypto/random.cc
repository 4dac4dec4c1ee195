// Random values from OpenSSL's RAND_bytes.
#include "services/crypto/random.h"

#include <openssl/rand.h>

#include <climits>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace rms::crypto {

absl::StatusOr<std::string> RandomBytes(size_t n) {
  if (n > static_cast<size_t>(INT_MAX)) return absl::InvalidArgumentError("too many bytes");
  std::string out(n, '\0');
  if (n == 0) return out;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  return out;
}

absl::StatusOr<std::string> RandomHex(size_t n) {
  absl::StatusOr<std::string> bytes = RandomBytes(n);
  if (!bytes.ok()) return bytes.status();
  return absl::BytesToHexString(*bytes);
}

absl::StatusOr<std::string> RandomString(size_t n, absl::string_view alphabet) {
  if (alphabet.empty() || alphabet.size() > 256) {
    return absl::InvalidArgumentError("alphabet must hold 1..256 characters");
  }
  // Accept only bytes below the largest multiple of the alphabet size, so every character is
  // equally likely.
  const size_t limit = 256 - (256 % alphabet.size());
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    absl::StatusOr<std::string> bytes = RandomBytes(n - out.size() + 16);
    if (!bytes.ok()) return bytes.status();
    for (unsigned char byte : *bytes) {
      if (byte >= limit || out.size() == n) continue;
      out.push_back(alphabet[byte % alphabet.size()]);
    }
  }
  return out;
}

}  // namespace rms::crypto
