// CRC64, LZF and the packed-encoding cursors, one short test per malformed input.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/rdb/crc64.h"
#include "services/engine/rdb/intset_zipmap.h"
#include "services/engine/rdb/listpack.h"
#include "services/engine/rdb/lzf.h"
#include "services/engine/rdb/ziplist.h"
#include "tests/unit/engine/rdb/rdb_builder.h"

namespace rms::engine::rdb {
namespace {

using testing::PackedValue;

template <typename Cursor>
absl::StatusOr<std::vector<std::string>> Items(absl::string_view blob) {
  auto cursor = Cursor::Open(blob);
  if (!cursor.ok()) return cursor.status();
  std::vector<std::string> out;
  PackedItem item;
  for (;;) {
    auto more = cursor->Next(&item);
    if (!more.ok()) return more.status();
    if (!*more) return out;
    out.push_back(item.ToString());
  }
}

const std::vector<PackedValue> kMixed = {std::string(""),
                                         std::string("a"),
                                         std::string(63, 'x'),
                                         std::string(64, 'y'),
                                         std::string(5000, 'z'),
                                         std::string(20000, 'w'),
                                         int64_t{0},
                                         int64_t{12},
                                         int64_t{13},
                                         int64_t{127},
                                         int64_t{128},
                                         int64_t{-1},
                                         int64_t{-4096},
                                         int64_t{4095},
                                         int64_t{-32768},
                                         int64_t{8388607},
                                         int64_t{-8388608},
                                         int64_t{2147483647},
                                         int64_t{-2147483648LL},
                                         int64_t{5000000000LL},
                                         int64_t{INT64_MIN},
                                         int64_t{INT64_MAX}};

std::vector<std::string> Rendered(const std::vector<PackedValue>& items) {
  std::vector<std::string> out;
  for (const auto& v : items) {
    out.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v)
                                                         : std::to_string(std::get<int64_t>(v)));
  }
  return out;
}

TEST(Crc64Test, CheckValueAndIncremental) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  std::string data(1000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  uint64_t whole = Crc64(0, data);
  for (size_t split : {1u, 7u, 8u, 9u, 500u}) {
    EXPECT_EQ(Crc64(Crc64(0, absl::string_view(data).substr(0, split)),
                    absl::string_view(data).substr(split)),
              whole);
  }
}

TEST(LzfTest, DecodesLiteralsAndOverlappingBackReferences) {
  // "abc" literal, then a back reference of length 9 at distance 3: "abcabcabcabc".
  std::string in = std::string(
                       "\x02"
                       "abc",
                       4) +
                   std::string("\xe0\x00\x02", 3);
  std::string out(3 + 9, '\0');
  ASSERT_TRUE(LzfDecompress(in, &out).ok());
  EXPECT_EQ(out, "abcabcabcabc");
}

TEST(LzfTest, RunsOfOneByteAndShortPeriodsRepeatExactly) {
  // "ab", then a reference of length 7 + 5 + 2 = 14 at distance 1 ("b" x 14), then one of length
  // 5 at distance 2 ("bb" repeated, odd length).
  std::string in = std::string(
                       "\x01"
                       "ab",
                       3) +
                   std::string("\xe0\x05\x00", 3) + std::string("\x60\x01", 2);
  std::string out(2 + 14 + 5, '\0');
  ASSERT_TRUE(LzfDecompress(in, &out).ok());
  EXPECT_EQ(out, "a" + std::string(20, 'b'));
}

// Random valid streams against a byte-by-byte decoder: every distance and length the format
// allows, overlapping or not.
TEST(LzfTest, AgreesWithAByteByByteDecoderOnRandomStreams) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    std::string in;
    std::string expected;
    for (int op = 0; op < 40; ++op) {
      if (expected.empty() || rng() % 3 == 0) {
        const size_t run = 1 + rng() % 32;
        in.push_back(static_cast<char>(run - 1));
        for (size_t k = 0; k < run; ++k) {
          const char c = static_cast<char>('a' + rng() % 3);
          in.push_back(c);
          expected.push_back(c);
        }
        continue;
      }
      const size_t dist = 1 + rng() % std::min<size_t>(expected.size(), 8192);
      const size_t len = 3 + rng() % 262;  // 3..264
      const size_t code = len - 2;         // 1..262; 7 and more take an extra byte
      const size_t d = dist - 1;
      if (code < 7) {
        in.push_back(static_cast<char>((code << 5) | (d >> 8)));
      } else {
        in.push_back(static_cast<char>((7 << 5) | (d >> 8)));
        in.push_back(static_cast<char>(code - 7));
      }
      in.push_back(static_cast<char>(d & 0xff));
      for (size_t k = 0; k < len; ++k) expected.push_back(expected[expected.size() - dist]);
    }
    std::string out(expected.size(), '\0');
    ASSERT_TRUE(LzfDecompress(in, &out).ok()) << "round " << round;
    ASSERT_EQ(out, expected) << "round " << round;
  }
}

TEST(LzfTest, RejectsReferenceBeforeTheStart) {
  std::string out(10, '\0');
  EXPECT_FALSE(LzfDecompress(std::string("\x20\x05", 2), &out).ok());
}

TEST(LzfTest, RejectsOutputLongerThanDeclared) {
  std::string out(2, '\0');
  EXPECT_FALSE(LzfDecompress(std::string("\x02"
                                         "abc",
                                         4),
                             &out)
                   .ok());
}

TEST(LzfTest, RejectsOutputShorterThanDeclared) {
  std::string out(5, '\0');
  EXPECT_FALSE(LzfDecompress(std::string("\x02"
                                         "abc",
                                         4),
                             &out)
                   .ok());
}

TEST(LzfTest, RejectsTruncatedLiteralRun) {
  std::string out(5, '\0');
  EXPECT_FALSE(LzfDecompress(std::string("\x04"
                                         "ab",
                                         3),
                             &out)
                   .ok());
}

TEST(ListpackTest, DecodesEveryEncoding) {
  auto items = Items<ListpackCursor>(testing::Listpack(kMixed));
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(*items, Rendered(kMixed));
}

TEST(ListpackTest, RejectsWrongTotalBytes) {
  std::string lp = testing::Listpack({std::string("a")});
  lp[0] += 1;
  EXPECT_FALSE(Items<ListpackCursor>(lp).ok());
}

TEST(ListpackTest, RejectsMissingEndByte) {
  std::string lp = testing::Listpack({std::string("a")});
  lp.back() = 0;
  EXPECT_FALSE(Items<ListpackCursor>(lp).ok());
}

TEST(ListpackTest, RejectsWrongCount) {
  std::string lp = testing::Listpack({std::string("a"), std::string("b")});
  lp[4] = 3;
  auto items = Items<ListpackCursor>(lp);
  ASSERT_FALSE(items.ok());
  EXPECT_TRUE(absl::StrContains(items.status().message(), "listpack byte")) << items.status();
}

TEST(ListpackTest, RejectsStringPassingTheEnd) {
  std::string lp = testing::Listpack({std::string("abc")});
  lp[6] = static_cast<char>(0x80 | 40);
  EXPECT_FALSE(Items<ListpackCursor>(lp).ok());
}

TEST(ListpackTest, RejectsBadBacklen) {
  std::string lp = testing::Listpack({std::string("abc")});
  lp[10] = 9;
  EXPECT_FALSE(Items<ListpackCursor>(lp).ok());
}

TEST(ListpackTest, RejectsInvalidEncodingByte) {
  std::string lp = testing::Listpack({int64_t{1}});
  lp[6] = static_cast<char>(0xF7);
  EXPECT_FALSE(Items<ListpackCursor>(lp).ok());
}

TEST(ZiplistTest, DecodesEveryEncoding) {
  auto items = Items<ZiplistCursor>(testing::Ziplist(kMixed));
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(*items, Rendered(kMixed));
}

TEST(ZiplistTest, EmptyZiplistHasNoItems) {
  auto items = Items<ZiplistCursor>(testing::Ziplist({}));
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_TRUE(items->empty());
}

TEST(ZiplistTest, RejectsShortBlob) { EXPECT_FALSE(Items<ZiplistCursor>("xxxxx").ok()); }

TEST(ZiplistTest, RejectsWrongPrevlen) {
  std::string zl = testing::Ziplist({std::string("ab"), std::string("cd")});
  zl[14] = 9;  // second entry's prevlen
  EXPECT_FALSE(Items<ZiplistCursor>(zl).ok());
}

TEST(ZiplistTest, RejectsWrongTail) {
  std::string zl = testing::Ziplist({std::string("ab"), std::string("cd")});
  zl[4] = 10;
  EXPECT_FALSE(Items<ZiplistCursor>(zl).ok());
}

TEST(ZiplistTest, RejectsWrongCount) {
  std::string zl = testing::Ziplist({std::string("ab")});
  zl[8] = 2;
  EXPECT_FALSE(Items<ZiplistCursor>(zl).ok());
}

TEST(ZiplistTest, RejectsInvalidEncoding) {
  std::string zl = testing::Ziplist({std::string("ab")});
  zl[11] = static_cast<char>(0x85);
  EXPECT_FALSE(Items<ZiplistCursor>(zl).ok());
}

TEST(IntsetTest, DecodesEachWidth) {
  EXPECT_EQ(*Items<IntsetCursor>(testing::Intset({-3, 1, 300}, 2)),
            (std::vector<std::string>{"-3", "1", "300"}));
  EXPECT_EQ(*Items<IntsetCursor>(testing::Intset({-70000, 70000}, 4)),
            (std::vector<std::string>{"-70000", "70000"}));
  EXPECT_EQ(*Items<IntsetCursor>(testing::Intset({INT64_MIN, 6000000000LL}, 8)),
            (std::vector<std::string>{std::to_string(INT64_MIN), "6000000000"}));
}

TEST(IntsetTest, RejectsBadWidth) {
  EXPECT_FALSE(Items<IntsetCursor>(testing::Intset({1}, 3)).ok());
}

TEST(IntsetTest, RejectsLengthMismatch) {
  std::string is = testing::Intset({1, 2}, 2);
  is[4] = 3;
  EXPECT_FALSE(Items<IntsetCursor>(is).ok());
}

TEST(IntsetTest, RejectsUnsortedValues) {
  EXPECT_FALSE(Items<IntsetCursor>(testing::Intset({2, 1}, 2)).ok());
}

TEST(ZipmapTest, DecodesPairsSkippingFreeBytes) {
  std::string long_value(300, 'v');
  auto items = Items<ZipmapCursor>(testing::Zipmap({{"f1", "v1"}, {"f2", long_value}}));
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(*items, (std::vector<std::string>{"f1", "v1", "f2", long_value}));
}

TEST(ZipmapTest, RejectsEntryPassingTheEnd) {
  std::string zm = testing::Zipmap({{"f1", "v1"}});
  zm[1] = 100;
  EXPECT_FALSE(Items<ZipmapCursor>(zm).ok());
}

TEST(ZipmapTest, RejectsFreeByteThatIsTheEndByte) {
  EXPECT_FALSE(Items<ZipmapCursor>(std::string("\x01\x01k\x01\xff", 5)).ok());
}

TEST(ZipmapTest, RejectsMissingValue) {
  std::string zm = std::string(
      "\x01\x02"
      "f1"
      "\xff",
      5);
  EXPECT_FALSE(Items<ZipmapCursor>(zm).ok());
}

}  // namespace
}  // namespace rms::engine::rdb
