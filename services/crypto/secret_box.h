// SecretBox: AES-256-GCM encryption of secrets at rest (passwords, secret keys) under one key file.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::crypto {

// Seals and opens short secrets with a 32-byte AES-256-GCM key.
//
// Sealed form: "v1:" + base64(nonce[12] | ciphertext | tag[16]), printable and safe to store in a
// text column. Every Seal uses a fresh random nonce, so sealing the same plaintext twice gives
// different strings. The empty plaintext seals to "" and "" opens to "" (convenient for optional
// passwords; "" therefore carries no integrity protection).
// Seal/Open are const and may be called from any thread concurrently.
class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;

  // Reads the 32-byte raw key at `path`, or creates it (mode 0600, random key) if missing.
  // FAILED_PRECONDITION if the file is not a regular file, is readable or writable by group or
  // others (the message says to chmod 600), or is not exactly 32 bytes; other errors from the
  // file system map from errno (e.g. NOT_FOUND for a missing directory, PERMISSION_DENIED).
  // Messages name the path, never the key.
  static absl::StatusOr<SecretBox> LoadOrCreateKeyFile(const std::string& path);

  // A box with the given raw key. Precondition: key.size() == kKeySize (aborts otherwise).
  static SecretBox FromKeyForTest(absl::string_view key);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  // The sealed form of `plaintext` ("" for ""). INTERNAL if OpenSSL or the CSPRNG fails.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext) const;

  // The plaintext of `sealed` ("" for ""). DATA_LOSS if `sealed` is not in the format above,
  // was altered, or was sealed with another key; the message never contains the data.
  absl::StatusOr<std::string> Open(absl::string_view sealed) const;

 private:
  explicit SecretBox(const std::array<uint8_t, kKeySize>& key) : key_(key) {}

  std::array<uint8_t, kKeySize> key_;
};

}  // namespace rms::crypto
