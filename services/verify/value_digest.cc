// Ordered and order-independent value digests over OpenSSL's SHA-256.
#include "services/verify/value_digest.h"

#include <openssl/evp.h>

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rms::verify {
namespace {

void AppendLength(std::string& out, size_t length) { absl::StrAppend(&out, length, ":"); }

std::array<unsigned char, 32> Sha256(absl::string_view bytes) {
  std::array<unsigned char, 32> hash{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), hash.data(), &size, EVP_sha256(), nullptr);
  return hash;
}

}  // namespace

struct OrderedDigest::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

OrderedDigest::OrderedDigest() : context_(std::make_unique<Context>()) {
  EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr);
}

OrderedDigest::~OrderedDigest() = default;

void OrderedDigest::AddRaw(absl::string_view bytes) {
  EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size());
}

void OrderedDigest::AddField(absl::string_view field) {
  std::string prefix;
  AppendLength(prefix, field.size());
  AddRaw(prefix);
  AddRaw(field);
}

std::string OrderedDigest::Finish() {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_->ctx, hash, &size);
  return absl::StrCat(
      "o:", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(hash), size)));
}

void UnorderedDigest::AddElement(absl::string_view first, absl::string_view second) {
  std::string encoded;
  AppendLength(encoded, first.size());
  absl::StrAppend(&encoded, first);
  AppendLength(encoded, second.size());
  absl::StrAppend(&encoded, second);
  const std::array<unsigned char, 32> hash = Sha256(encoded);
  for (size_t lane = 0; lane < lanes_.size(); ++lane) {
    uint64_t word = 0;
    std::memcpy(&word, hash.data() + lane * 8, 8);
    lanes_[lane] += word;  // unsigned: wraps mod 2^64
  }
  ++count_;
}

std::string UnorderedDigest::Finish() const {
  std::string out = absl::StrCat("u:", count_, ":");
  for (uint64_t lane : lanes_) absl::StrAppendFormat(&out, "%016x", lane);
  return out;
}

std::string CanonicalScore(absl::string_view score) {
  double value = 0;
  if (!absl::SimpleAtod(score, &value)) return std::string(score);
  return absl::StrFormat("%.17g", value);
}

}  // namespace rms::verify
