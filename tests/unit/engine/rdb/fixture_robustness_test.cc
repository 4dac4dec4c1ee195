// The reader over every fixture in random splits, truncated, and with flipped bytes: the same
// events whatever the splits, errors (never crashes or hangs) for damaged input.
#include <algorithm>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/io/byte_source.h"
#include "tests/unit/engine/rdb/rdb_test_support.h"

namespace rms::engine::rdb::testing {
namespace {

// Returns a random number of bytes (1..max_chunk) per Read.
class RandomSplitSource : public io::ByteSource {
 public:
  RandomSplitSource(std::string data, uint32_t seed, size_t max_chunk)
      : data_(std::move(data)), rng_(seed), dist_(1, max_chunk) {}
  absl::StatusOr<size_t> Read(char* out, size_t max) override {
    size_t n = std::min({max, data_.size() - pos_, dist_(rng_)});
    std::copy_n(data_.data() + pos_, n, out);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  std::mt19937 rng_;
  std::uniform_int_distribution<size_t> dist_;
};

std::string Name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class ValidFixtureTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string Data() { return ReadFileOrDie(FixturesDir() + "/" + GetParam()); }
};

TEST_P(ValidFixtureTest, RandomSplitsGiveIdenticalEvents) {
  const std::string data = Data();
  auto whole = ReadAllFromString(data);
  ASSERT_TRUE(whole.ok()) << whole.status();
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    for (size_t max_chunk : {size_t{1}, size_t{7}, size_t{300}, size_t{4096}}) {
      RandomSplitSource source(data, seed, max_chunk);
      auto split = ReadAll(source);
      ASSERT_TRUE(split.ok()) << "seed " << seed << " chunk " << max_chunk << ": "
                              << split.status();
      ASSERT_EQ(split->trace, whole->trace) << "seed " << seed << " chunk " << max_chunk;
    }
  }
}

TEST_P(ValidFixtureTest, TruncatedInputIsDataLossNamingTheOffset) {
  const std::string data = Data();
  std::vector<size_t> cuts;
  if (data.size() <= 2000) {
    for (size_t i = 0; i < data.size(); ++i) cuts.push_back(i);
  } else {
    std::mt19937 rng(7);
    for (int i = 0; i < 150; ++i) cuts.push_back(rng() % data.size());
    for (size_t back = 1; back <= 20; ++back) cuts.push_back(data.size() - back);
  }
  for (size_t cut : cuts) {
    auto result = ReadAllFromString(data.substr(0, cut), 997);
    ASSERT_FALSE(result.ok()) << "cut at " << cut;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss) << result.status();
    EXPECT_TRUE(absl::StrContains(result.status().message(), "offset")) << result.status();
  }
}

TEST_P(ValidFixtureTest, FlippedBytesNeverCrash) {
  const std::string data = Data();
  std::mt19937 rng(11);
  const int rounds = data.size() > 100000 ? 40 : 400;
  for (int i = 0; i < rounds; ++i) {
    std::string bad = data;
    for (int k = 0; k < 3; ++k) bad[9 + rng() % (bad.size() - 9)] ^= 1 + rng() % 255;
    auto result = ReadAllFromString(bad, 4096);
    if (!result.ok()) {
      EXPECT_NE(result.status().code(), absl::StatusCode::kInternal) << result.status();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ValidFixtureTest, ::testing::ValuesIn(ValidFixtures()), Name);

class CorruptFixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CorruptFixtureTest, FailsWithAnErrorNamingTheOffset) {
  const std::string data = ReadFileOrDie(FixturesDir() + "/" + GetParam());
  for (size_t max_chunk : {size_t{0}, size_t{1}, size_t{13}}) {
    auto result = ReadAllFromString(data, max_chunk);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss) << result.status();
    EXPECT_TRUE(absl::StrContains(result.status().message(), "offset")) << result.status();
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CorruptFixtureTest, ::testing::ValuesIn(CorruptFixtures()),
                         Name);

TEST(FixtureListTest, FixturesArePresent) {
  EXPECT_GE(ValidFixtures().size(), 8u) << "fixtures missing under " << FixturesDir();
  EXPECT_GE(CorruptFixtures().size(), 2u);
}

}  // namespace
}  // namespace rms::engine::rdb::testing
