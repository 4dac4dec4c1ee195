// ValueNeeds: what a consumer asks of each value. With kRawIfItFits the raw bytes of every fixture
// key are the same as a full decode captures, strings and single packed blobs come without
// elements, everything else still with them; corrupt fixtures fail just as when decoded; with
// kElements no raw bytes are kept.
#include <map>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_reader.h"
#include "tests/unit/engine/rdb/rdb_test_support.h"

namespace rms::engine::rdb {
namespace {

using testing::CorruptFixtures;
using testing::FixturesDir;
using testing::ReadFileOrDie;
using testing::ValidFixtures;

struct KeyRead {
  uint8_t rdb_type = 0;
  size_t elements = 0;
  bool raw_captured = false;
  std::string raw_value;
};

// Every key of `rdb` read with `needs` (unset: the reader's default).
absl::StatusOr<std::map<std::pair<int, std::string>, KeyRead>> ReadKeys(
    const std::string& rdb, std::function<ValueNeeds(const KeyHeader&)> needs) {
  io::StringByteSource source(rdb);
  RdbReader reader(source);
  if (needs) reader.set_value_needs(std::move(needs));
  std::map<std::pair<int, std::string>, KeyRead> keys;
  std::pair<int, std::string> current;
  RdbEvent event;
  for (int guard = 0; guard < 10'000'000; ++guard) {
    if (absl::Status s = reader.Next(&event); !s.ok()) return s;
    switch (event.type) {
      case RdbEvent::kKeyBegin:
        current = {event.header.db, event.header.key};
        keys[current].rdb_type = event.header.rdb_type;
        break;
      case RdbEvent::kElements:
        keys[current].elements += event.chunk.size();
        break;
      case RdbEvent::kKeyEnd:
        keys[current].raw_captured = event.raw_captured;
        keys[current].raw_value = event.raw_value;
        break;
      case RdbEvent::kEnd:
        return keys;
      default:
        break;
    }
  }
  return absl::InternalError("no end");
}

bool IsStringOrSingleBlob(uint8_t type) {
  return type == kTypeString || type == kTypeHashZipmap || type == kTypeListZiplist ||
         type == kTypeSetIntset || type == kTypeZsetZiplist || type == kTypeHashZiplist ||
         type == kTypeHashListpack || type == kTypeZsetListpack || type == kTypeSetListpack ||
         type == kTypeHashListpackEx || type == kTypeHashListpackExPreGa;
}

TEST(ValueNeedsTest, RawOnlyKeepsTheSameBytesAndSkipsElementsWhereItCan) {
  size_t without_elements = 0;
  size_t with_elements = 0;
  for (const std::string& fixture : ValidFixtures()) {
    SCOPED_TRACE(fixture);
    const std::string rdb = ReadFileOrDie(FixturesDir() + "/" + fixture);
    auto full = ReadKeys(rdb, nullptr);
    if (!full.ok()) continue;  // fixtures the reader refuses (modules) are covered elsewhere
    auto raw = ReadKeys(rdb, [](const KeyHeader&) { return ValueNeeds::kRawIfItFits; });
    ASSERT_TRUE(raw.ok()) << raw.status();
    ASSERT_EQ(raw->size(), full->size());
    for (const auto& [key, want] : *full) {
      const KeyRead& got = raw->at(key);
      ASSERT_EQ(got.raw_captured, want.raw_captured) << key.second;
      EXPECT_EQ(got.raw_value, want.raw_value) << key.second;
      if (IsStringOrSingleBlob(want.rdb_type) && want.raw_captured) {
        EXPECT_EQ(got.elements, 0u) << key.second;
        ++without_elements;
      } else if (want.rdb_type != kTypeListQuicklist && want.rdb_type != kTypeListQuicklist2) {
        EXPECT_EQ(got.elements, want.elements) << key.second;
        ++with_elements;
      }
    }
  }
  EXPECT_GT(without_elements, 100u);
  EXPECT_GT(with_elements, 10u);
}

TEST(ValueNeedsTest, ElementsOnlyKeepsNoRawBytes) {
  const std::string rdb = ReadFileOrDie(FixturesDir() + "/dataset-rdb10.rdb");
  auto keys = ReadKeys(rdb, [](const KeyHeader&) { return ValueNeeds::kElements; });
  ASSERT_TRUE(keys.ok()) << keys.status();
  for (const auto& [key, read] : *keys) {
    EXPECT_FALSE(read.raw_captured) << key.second;
    EXPECT_TRUE(read.raw_value.empty()) << key.second;
  }
}

TEST(ValueNeedsTest, CorruptBlobsFailAsWhenDecoded) {
  ASSERT_FALSE(CorruptFixtures().empty());
  for (const std::string& fixture : CorruptFixtures()) {
    SCOPED_TRACE(fixture);
    const std::string rdb = ReadFileOrDie(FixturesDir() + "/" + fixture);
    auto full = ReadKeys(rdb, nullptr);
    auto raw = ReadKeys(rdb, [](const KeyHeader&) { return ValueNeeds::kRawIfItFits; });
    ASSERT_FALSE(full.ok());
    ASSERT_FALSE(raw.ok());
    EXPECT_EQ(raw.status().code(), full.status().code());
    EXPECT_EQ(raw.status().message(), full.status().message());
  }
}

}  // namespace
}  // namespace rms::engine::rdb
