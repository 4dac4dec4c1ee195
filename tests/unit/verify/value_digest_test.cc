// Unit tests of the value digests: order (in)dependence, field boundaries, canonical scores.
#include "services/verify/value_digest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace rms::verify {
namespace {

std::string Unordered(const std::vector<std::pair<std::string, std::string>>& elements) {
  UnorderedDigest digest;
  for (const auto& [first, second] : elements) digest.AddElement(first, second);
  return digest.Finish();
}

TEST(ValueDigestTest, UnorderedDigestIgnoresOrder) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (int i = 0; i < 300; ++i)
    fields.emplace_back("field" + std::to_string(i), "v" + std::to_string(i * 7));
  const std::string reference = Unordered(fields);
  std::mt19937 random(42);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(fields.begin(), fields.end(), random);
    EXPECT_EQ(Unordered(fields), reference);
  }
}

TEST(ValueDigestTest, UnorderedDigestSeesEveryChange) {
  const std::string reference = Unordered({{"a", "1"}, {"b", "2"}});
  EXPECT_NE(Unordered({{"a", "1"}, {"b", "3"}}), reference);  // a value
  EXPECT_NE(Unordered({{"a", "1"}}), reference);              // a missing field
  EXPECT_NE(Unordered({{"a", "1"}, {"b", "2"}, {"c", "3"}}), reference);
  EXPECT_NE(Unordered({{"a", "2"}, {"b", "1"}}), reference);  // values swapped between fields
  EXPECT_NE(Unordered({{"a1", ""}, {"b", "2"}}), Unordered({{"a", "1"}, {"b", "2"}}));
  // A duplicate is counted (the reader checks counts against HLEN/SCARD for that reason).
  EXPECT_NE(Unordered({{"a", "1"}, {"a", "1"}, {"b", "2"}}), reference);
}

TEST(ValueDigestTest, OrderedRawBytesDoNotDependOnChunking) {
  OrderedDigest whole, pieces;
  whole.AddRaw("hello world");
  pieces.AddRaw("hel");
  pieces.AddRaw("");
  pieces.AddRaw("lo world");
  EXPECT_EQ(whole.Finish(), pieces.Finish());
}

TEST(ValueDigestTest, OrderedFieldsKeepBoundariesAndOrder) {
  OrderedDigest ab_c, a_bc, c_ab;
  ab_c.AddField("ab");
  ab_c.AddField("c");
  a_bc.AddField("a");
  a_bc.AddField("bc");
  c_ab.AddField("c");
  c_ab.AddField("ab");
  const std::string first = ab_c.Finish();
  EXPECT_NE(first, a_bc.Finish());
  EXPECT_NE(first, c_ab.Finish());
}

TEST(ValueDigestTest, CanonicalScores) {
  EXPECT_EQ(CanonicalScore("1"), CanonicalScore("1.0"));
  EXPECT_EQ(CanonicalScore("1"), CanonicalScore("1e0"));
  EXPECT_EQ(CanonicalScore("0.1"), CanonicalScore("0.10000000000000001"));
  EXPECT_NE(CanonicalScore("0.1"), CanonicalScore("0.2"));
  EXPECT_EQ(CanonicalScore("inf"), CanonicalScore("inf"));
  EXPECT_NE(CanonicalScore("inf"), CanonicalScore("-inf"));
  EXPECT_EQ(CanonicalScore("not-a-number"), "not-a-number");
}

}  // namespace
}  // namespace rms::verify
