// AES-256-GCM sealing through OpenSSL EVP, and the key file's load-or-create rules.
#include "services/crypto/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/crypto/base64.h"
#include "services/crypto/random.h"

namespace rms::crypto {
namespace {

constexpr absl::string_view kPrefix = "v1:";
// Binds ciphertexts to this format version: a "v1" blob cannot be replayed as a later version.
constexpr absl::string_view kAad = "rms-secretbox-v1";

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status DataLoss() {
  return absl::DataLossError(
      "sealed secret failed authentication (altered, or sealed with another key)");
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  int err = errno;
  return absl::ErrnoToStatus(err, absl::StrCat(what, " key file ", path));
}

// "0644" for the permission bits of `mode`.
std::string OctalMode(mode_t mode) {
  std::string out = "0";
  for (int shift = 6; shift >= 0; shift -= 3) out.push_back('0' + ((mode >> shift) & 7));
  return out;
}

// Reads exactly `size` bytes from `fd`.
bool ReadFully(int fd, unsigned char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool WriteFully(int fd, const unsigned char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Creates `path` exclusively with a fresh key. ALREADY_EXISTS if it is already there.
absl::Status CreateKeyFile(const std::string& path, std::array<uint8_t, 32>& key) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("cannot create", path);
  absl::StatusOr<std::string> random = RandomBytes(key.size());
  bool ok = random.ok() && fchmod(fd, 0600) == 0;
  if (ok) {
    std::memcpy(key.data(), random->data(), key.size());
    OPENSSL_cleanse(random->data(), random->size());
    ok = WriteFully(fd, key.data(), key.size()) && fsync(fd) == 0;
  }
  absl::Status status = ok ? absl::OkStatus() : ErrnoError("cannot write", path);
  close(fd);
  if (!ok) unlink(path.c_str());
  return status;
}

absl::Status LoadKeyFile(const std::string& path, std::array<uint8_t, 32>& key) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path);
  struct stat st;
  absl::Status status;
  if (fstat(fd, &st) != 0) {
    status = ErrnoError("cannot stat", path);
  } else if (!S_ISREG(st.st_mode)) {
    status = absl::FailedPreconditionError(absl::StrCat("key file ", path, " is not a file"));
  } else if ((st.st_mode & 077) != 0) {
    status = absl::FailedPreconditionError(
        absl::StrCat("key file ", path, " is accessible by group or others (mode ",
                     OctalMode(st.st_mode), "); run chmod 600 on it"));
  } else if (static_cast<size_t>(st.st_size) != key.size() ||
             !ReadFully(fd, key.data(), key.size())) {
    status = absl::FailedPreconditionError(
        absl::StrCat("key file ", path, " must hold exactly ", key.size(), " bytes"));
  }
  close(fd);
  return status;
}

}  // namespace

absl::StatusOr<SecretBox> SecretBox::LoadOrCreateKeyFile(const std::string& path) {
  std::array<uint8_t, kKeySize> key{};
  absl::Status created = CreateKeyFile(path, key);
  if (!created.ok()) {
    if (!absl::IsAlreadyExists(created)) return created;
    absl::Status loaded = LoadKeyFile(path, key);
    if (!loaded.ok()) {
      OPENSSL_cleanse(key.data(), key.size());
      return loaded;
    }
  }
  SecretBox box(key);
  OPENSSL_cleanse(key.data(), key.size());
  return box;
}

SecretBox SecretBox::FromKeyForTest(absl::string_view key) {
  if (key.size() != kKeySize) std::abort();
  std::array<uint8_t, kKeySize> raw{};
  std::memcpy(raw.data(), key.data(), kKeySize);
  return SecretBox(raw);
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

absl::StatusOr<std::string> SecretBox::Seal(absl::string_view plaintext) const {
  if (plaintext.empty()) return std::string();
  absl::StatusOr<std::string> nonce = RandomBytes(kNonceSize);
  if (!nonce.ok()) return nonce.status();
  std::string blob = *nonce;
  blob.resize(kNonceSize + plaintext.size() + kTagSize);
  auto* out = reinterpret_cast<unsigned char*>(blob.data()) + kNonceSize;
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  bool ok = ctx != nullptr &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), U(*nonce)) &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(kAad), kAad.size()) &&
            EVP_EncryptUpdate(ctx.get(), out, &len, U(plaintext), plaintext.size()) &&
            EVP_EncryptFinal_ex(ctx.get(), out + len, &final_len) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out + plaintext.size());
  if (!ok) return absl::InternalError("AES-256-GCM encryption failed");
  return absl::StrCat(kPrefix, Base64Encode(blob));
}

absl::StatusOr<std::string> SecretBox::Open(absl::string_view sealed) const {
  if (sealed.empty()) return std::string();
  if (!absl::StartsWith(sealed, kPrefix)) {
    return absl::DataLossError("sealed secret has an unknown format");
  }
  absl::StatusOr<std::string> blob = Base64Decode(sealed.substr(kPrefix.size()));
  if (!blob.ok() || blob->size() < kNonceSize + kTagSize) {
    return absl::DataLossError("sealed secret is truncated or not base64");
  }
  absl::string_view all(*blob);
  absl::string_view nonce = all.substr(0, kNonceSize);
  absl::string_view cipher = all.substr(kNonceSize, all.size() - kNonceSize - kTagSize);
  std::string tag(all.substr(all.size() - kTagSize));
  std::string plain(cipher.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  bool ok = ctx != nullptr &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), U(nonce)) &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(kAad), kAad.size()) &&
            EVP_DecryptUpdate(ctx.get(), out, &len, U(cipher), cipher.size()) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) &&
            EVP_DecryptFinal_ex(ctx.get(), out + len, &final_len) > 0;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return DataLoss();
  }
  return plain;
}

}  // namespace rms::crypto
