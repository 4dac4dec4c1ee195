// Unit tests of ValueReader's state machine over scripted replies (no server).
#include "services/verify/value_reader.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rms::verify {
namespace {

RespValue Bulk(std::string text) { return RespValue::BulkString(std::move(text)); }

RespValue Array(std::vector<RespValue> elements) { return RespValue::Array(std::move(elements)); }

RespValue Strings(const std::vector<std::string>& items) {
  std::vector<RespValue> elements;
  for (const std::string& item : items) elements.push_back(Bulk(item));
  return Array(std::move(elements));
}

RespValue Integer(int64_t n) {
  RespValue value;
  value.type = RespValue::Type::kInteger;
  value.integer = n;
  return value;
}

RespValue ScanReply(const std::string& cursor, const std::vector<std::string>& items) {
  return Array({Bulk(cursor), Strings(items)});
}

std::string Command(const ValueReader& reader) { return absl::StrJoin(reader.NextCommand(), " "); }

TEST(ValueReaderTest, SmallHashInOneScanNeedsNoCount) {
  ValueReader reader("h", "hash");
  EXPECT_EQ(Command(reader), "HSCAN h 0 COUNT 128");
  reader.Feed(ScanReply("0", {"f1", "v1", "f2", "v2"}));
  ASSERT_TRUE(reader.done());
  ValueReader reversed("h", "hash");
  reversed.Feed(ScanReply("0", {"f2", "v2", "f1", "v1"}));
  EXPECT_EQ(reader.digest(), reversed.digest());
}

TEST(ValueReaderTest, ScanOverSeveralCallsIsCheckedAgainstTheCount) {
  ValueReader once("s", "set");
  once.Feed(ScanReply("0", {"a", "b", "c"}));
  ValueReader split("s", "set");
  split.Feed(ScanReply("12", {"c", "a"}));
  EXPECT_EQ(Command(split), "SSCAN s 12 COUNT 128");
  split.Feed(ScanReply("0", {"b"}));
  EXPECT_EQ(Command(split), "SCARD s");
  split.Feed(Integer(3));
  ASSERT_TRUE(split.done());
  EXPECT_EQ(split.digest(), once.digest());
}

TEST(ValueReaderTest, DuplicatesFromAResizeRestartTheScan) {
  ValueReader reader("h", "hash");
  reader.Feed(ScanReply("7", {"f1", "v1", "f2", "v2"}));
  reader.Feed(ScanReply("0", {"f2", "v2"}));  // f2 came twice
  EXPECT_EQ(Command(reader), "HLEN h");
  reader.Feed(Integer(2));
  ASSERT_FALSE(reader.done());
  EXPECT_EQ(Command(reader), "HSCAN h 0 COUNT 128");
  reader.Feed(ScanReply("0", {"f1", "v1", "f2", "v2"}));
  ASSERT_TRUE(reader.done());
  ValueReader clean("h", "hash");
  clean.Feed(ScanReply("0", {"f2", "v2", "f1", "v1"}));
  EXPECT_EQ(reader.digest(), clean.digest());
}

TEST(ValueReaderTest, StringInRanges) {
  const std::string chunk(kChunkBytes, 'x');
  ValueReader reader("k", "string");
  EXPECT_EQ(Command(reader), absl::StrCat("GETRANGE k 0 ", kChunkBytes - 1));
  reader.Feed(Bulk(chunk));
  ASSERT_FALSE(reader.done());
  EXPECT_EQ(Command(reader), absl::StrCat("GETRANGE k ", kChunkBytes, " ", 2 * kChunkBytes - 1));
  reader.Feed(Bulk("tail"));
  ASSERT_TRUE(reader.done());
  ValueReader other("k", "string");
  other.Feed(Bulk(chunk));
  other.Feed(Bulk("tai1"));
  EXPECT_NE(reader.digest(), other.digest());
}

TEST(ValueReaderTest, ListOrderMatters) {
  ValueReader ab("l", "list"), ba("l", "list");
  EXPECT_EQ(Command(ab), "LRANGE l 0 127");
  ab.Feed(Strings({"a", "b"}));
  ba.Feed(Strings({"b", "a"}));
  ASSERT_TRUE(ab.done() && ba.done());
  EXPECT_NE(ab.digest(), ba.digest());
}

TEST(ValueReaderTest, ZsetScoresCompareAsNumbers) {
  ValueReader one("z", "zset"), other("z", "zset");
  EXPECT_EQ(Command(one), "ZRANGE z 0 127 WITHSCORES");
  one.Feed(Strings({"m", "1.5", "n", "2"}));
  other.Feed(Strings({"m", "1.50", "n", "2.0"}));
  EXPECT_EQ(one.digest(), other.digest());
}

TEST(ValueReaderTest, StreamContinuesAfterTheLastId) {
  std::vector<RespValue> entries;
  for (int i = 0; i < kChunkElements; ++i) {
    entries.push_back(Array({Bulk(absl::StrCat("5-", i)), Strings({"f", "v"})}));
  }
  ValueReader reader("x", "stream");
  EXPECT_EQ(Command(reader), "XRANGE x - + COUNT 128");
  reader.Feed(Array(entries));
  EXPECT_EQ(Command(reader), "XRANGE x 5-128 + COUNT 128");
  reader.Feed(Array({}));
  EXPECT_TRUE(reader.done());
}

TEST(ValueReaderTest, ModuleTypesAndErrors) {
  ValueReader module("m", "ReJSON-RL");
  EXPECT_TRUE(module.done());
  EXPECT_EQ(module.digest(), "");
  ValueReader changed("k", "list");
  RespValue error;
  error.type = RespValue::Type::kError;
  error.str = "WRONGTYPE Operation against a key holding the wrong kind of value";
  changed.Feed(error);
  ASSERT_TRUE(changed.done());
  EXPECT_EQ(changed.digest().substr(0, 10), "!WRONGTYPE");
}

}  // namespace
}  // namespace rms::verify
