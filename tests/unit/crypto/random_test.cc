// Tests of the random helpers: sizes, alphabets and that values differ.
#include "services/crypto/random.h"

#include <gtest/gtest.h>

#include <set>

namespace rms::crypto {
namespace {

TEST(RandomBytes, HasRequestedSizeAndVaries) {
  absl::StatusOr<std::string> a = RandomBytes(32);
  absl::StatusOr<std::string> b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(RandomBytes(0).value(), "");
}

TEST(RandomHex, IsLowerHexOfTwiceTheLength) {
  std::string hex = RandomHex(16).value();
  ASSERT_EQ(hex.size(), 32u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RandomString, UsesOnlyTheAlphabetAndCoversIt) {
  std::string text = RandomString(2000, "AB9").value();
  ASSERT_EQ(text.size(), 2000u);
  std::set<char> seen(text.begin(), text.end());
  EXPECT_EQ(seen, (std::set<char>{'A', 'B', '9'}));
}

TEST(RandomString, RejectsEmptyAlphabet) {
  EXPECT_EQ(RandomString(4, "").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rms::crypto
