// Known-answer tests for SHA-256, HMAC-SHA256, constant-time comparison and base64.
#include "services/crypto/digest.h"

#include <gtest/gtest.h>

#include "services/crypto/base64.h"

namespace rms::crypto {
namespace {

TEST(Sha256Hex, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HmacSha256Hex, Rfc4231Case2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Hex, EmptyKeyAndData) {
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Base64, RoundTripsBinary) {
  std::string bytes("\x00\xff\x10 binary", 10);
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  absl::StatusOr<std::string> decoded = Base64Decode(Base64Encode(bytes));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, bytes);
}

TEST(Base64, RejectsGarbage) {
  EXPECT_EQ(Base64Decode("not base64!").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rms::crypto
