// RdbReader over hand-made RDBs: header and opcodes, every value encoding the fixtures lack,
// limits, chunking, checksums, module data, and the no-read-past-the-end contract.
#include <cmath>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_reader.h"
#include "tests/unit/engine/rdb/rdb_builder.h"
#include "tests/unit/engine/rdb/rdb_test_support.h"

namespace rms::engine::rdb::testing {
namespace {

// Serves `data`, then fails any further read (a socket that would block).
class ExactSource : public io::ByteSource {
 public:
  explicit ExactSource(std::string data) : data_(std::move(data)) {}
  absl::StatusOr<size_t> Read(char* out, size_t max) override {
    if (pos_ == data_.size()) return absl::CancelledError("read past the end of the RDB");
    size_t n = std::min(max, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, out);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

absl::Status ErrorOf(const std::string& rdb, const RdbLimits& limits = {}) {
  auto c = ReadAllFromString(rdb, 0, limits);
  return c.ok() ? absl::OkStatus() : c.status();
}

void ExpectCorrupt(const absl::Status& st, absl::string_view fragment) {
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "offset")) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), fragment)) << st;
}

TEST(RdbHeaderTest, RejectsUnsupportedVersionsClearly) {
  for (const char* header : {"REDIS0000", "REDIS0013"}) {
    absl::Status st = ErrorOf(header);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
    EXPECT_TRUE(absl::StrContains(st.message(), "unsupported RDB version")) << st;
  }
  ExpectCorrupt(ErrorOf("RDIS00100000"), "REDIS");
  ExpectCorrupt(ErrorOf("REDIS00a1"), "version");
}

TEST(RdbRecordsTest, OpcodesAndKeyMetadata) {
  RdbBuilder b(12);
  b.Byte(kOpAux).Str("redis-ver").Str("7.4.0");
  b.Byte(kOpSelectDb).Len(3).Byte(kOpResizeDb).Len(2).Len(1);
  b.Byte(kOpSlotInfo).Len(100).Len(2).Len(1);
  b.Byte(kOpExpireTimeMs).Le(4102444800000ULL, 8).Byte(kOpIdle).Len(77).Byte(kOpFreq).Byte(9);
  b.Key(kTypeString, "a").Str("1");
  b.Byte(kOpExpireTime).Le(2000000000, 4).Key(kTypeString, "b").Raw("\xc0\xfe");  // INT8 -2
  b.Byte(kOpFunction2).Str("#!lua name=lib\nredis.register_function('f', function() end)");
  auto c = ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->aux.size(), 1u);
  EXPECT_EQ(c->aux[0].second, "7.4.0");
  ASSERT_EQ(c->keys.size(), 2u);
  const KeyHeader& a = c->keys[0].header;
  EXPECT_EQ(a.db, 3);
  EXPECT_EQ(a.expire_at_ms, 4102444800000LL);
  EXPECT_EQ(a.lru_idle_seconds, 77);
  EXPECT_EQ(a.lfu_freq, 9);
  const KeyHeader& bh = c->keys[1].header;
  EXPECT_EQ(bh.expire_at_ms, 2000000000000LL);
  EXPECT_EQ(bh.lru_idle_seconds, -1);
  EXPECT_EQ(c->keys[1].elements.members, std::vector<std::string>{"-2"});
  ASSERT_EQ(c->functions.size(), 1u);
  EXPECT_TRUE(c->checksum_verified);
  EXPECT_EQ(c->version, 12);
}

TEST(RdbRecordsTest, PlainCollectionsAndOldScores) {
  RdbBuilder b(9);
  b.Key(kTypeList, "l").Len(2).Str("x").Str("y");
  b.Key(kTypeSet, "s").Len(1).Str("m");
  b.Key(kTypeZset, "z").Len(4).Str("a").Byte(3).Raw("1.5").Str("b").Byte(254).Str("c").Byte(255);
  b.Str("d").Byte(253);
  b.Key(kTypeZset2, "z2").Len(1).Str("a").Le(0x4000000000000000ULL, 8);  // 2.0
  b.Key(kTypeHash, "h").Len(1).Str("f").Str("v");
  auto c = ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->keys.size(), 5u);
  EXPECT_EQ(c->keys[0].elements.members, (std::vector<std::string>{"x", "y"}));
  const auto& z = c->keys[2].elements.scores;
  ASSERT_EQ(z.size(), 4u);
  EXPECT_EQ(z[0], 1.5);
  EXPECT_EQ(z[1], INFINITY);
  EXPECT_EQ(z[2], -INFINITY);
  EXPECT_TRUE(std::isnan(z[3]));
  EXPECT_EQ(c->keys[3].elements.scores, std::vector<double>{2.0});
  EXPECT_EQ(c->keys[4].elements.values, std::vector<std::string>{"v"});
}

TEST(RdbRecordsTest, HashFieldTtlEncodings) {
  RdbBuilder b(12);
  // Type 24: min TTL, then per field <ttl relative to it, plus one; 0 = none> <field> <value>.
  b.Key(kTypeHashMetadata, "h24").Le(5000, 8).Len(2).Len(1).Str("f1").Str("v1");
  b.Len(0).Str("f2").Str("v2");
  b.Key(kTypeHashMetadataPreGa, "h22").Len(1).Len(7000).Str("f").Str("v");
  b.Key(kTypeHashListpackEx, "h25")
      .Le(100, 8)
      .Str(Listpack({std::string("f1"), std::string("v1"), int64_t{123456}, std::string("f2"),
                     int64_t{5}, int64_t{0}}));
  b.Key(kTypeHashListpackExPreGa, "h23")
      .Str(Listpack({std::string("f"), std::string("v"), int64_t{99}}));
  auto c = ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->keys.size(), 4u);
  EXPECT_EQ(c->keys[0].elements.field_expire_at_ms, (std::vector<int64_t>{5000, -1}));
  EXPECT_EQ(c->keys[1].elements.field_expire_at_ms, std::vector<int64_t>{7000});
  EXPECT_EQ(c->keys[2].elements.members, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(c->keys[2].elements.values, (std::vector<std::string>{"v1", "5"}));
  EXPECT_EQ(c->keys[2].elements.field_expire_at_ms, (std::vector<int64_t>{123456, -1}));
  EXPECT_EQ(c->keys[3].elements.field_expire_at_ms, std::vector<int64_t>{99});
}

TEST(RdbRecordsTest, PackedAndQuicklistValues) {
  RdbBuilder b(12);
  b.Key(kTypeSetListpack, "s").Str(Listpack({std::string("a"), int64_t{7}}));
  b.Key(kTypeZsetListpack, "z")
      .Str(Listpack({std::string("m"), std::string("2.5"), std::string("n"), int64_t{3}}));
  b.Key(kTypeListQuicklist2, "q2").Len(3).Len(kQuicklistPacked).Str(Listpack({std::string("a")}));
  b.Len(kQuicklistPlain).Str(std::string(100, 'p'));
  b.Len(kQuicklistPacked).Str(Listpack({int64_t{-5}}));
  b.Key(kTypeListQuicklist, "q1").Len(2).Str(Ziplist({})).Str(Ziplist({std::string("e")}));
  b.Key(kTypeHashZipmap, "zm").Str(Zipmap({{"f", "v"}}));
  b.Key(kTypeSetIntset, "is").Str(Intset({1, 2}, 2));
  b.Key(kTypeZsetZiplist, "zz").Str(Ziplist({std::string("m"), int64_t{4}}));
  auto c = ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->keys.size(), 7u);
  EXPECT_EQ(c->keys[1].elements.scores, (std::vector<double>{2.5, 3}));
  EXPECT_EQ(c->keys[2].elements.members,
            (std::vector<std::string>{"a", std::string(100, 'p'), "-5"}));
  EXPECT_EQ(c->keys[3].elements.members, std::vector<std::string>{"e"});
  EXPECT_EQ(c->keys[4].elements.values, std::vector<std::string>{"v"});
  EXPECT_EQ(c->keys[6].elements.scores, std::vector<double>{4});
}

TEST(RdbRecordsTest, LzfStrings) {
  RdbBuilder b(12);
  // RDB_ENC_LZF: <compressed len> <plain len> <lzf data> for "abcabcabcabc".
  b.Key(kTypeString, "k")
      .Byte(0xC3)
      .Len(7)
      .Len(12)
      .Raw(std::string("\x02"
                       "abc\xe0\x00\x02",
                       7));
  auto c = ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->keys[0].elements.members[0], "abcabcabcabc");
}

TEST(RdbRecordsTest, BigValuesComeInChunksAndRawCaptureStopsAtItsLimit) {
  RdbBuilder b(12);
  b.Key(kTypeList, "big").Len(5000);
  for (int i = 0; i < 5000; ++i) b.Str("element-" + std::to_string(i));
  RdbLimits limits;
  limits.raw_capture_limit = 1000;
  std::string rdb = b.Finish();
  io::StringByteSource source(rdb);
  RdbReader reader(source, limits);
  size_t chunks = 0, elements = 0;
  for (;;) {
    auto ev = reader.Next();
    ASSERT_TRUE(ev.ok()) << ev.status();
    if (ev->type == RdbEvent::kElements) {
      ++chunks;
      EXPECT_LE(ev->chunk.size(), limits.chunk_elements);
      EXPECT_EQ(ev->chunk.members[0], "element-" + std::to_string(elements));
      elements += ev->chunk.size();
    }
    if (ev->type == RdbEvent::kKeyEnd) {
      EXPECT_FALSE(ev->raw_captured);
      EXPECT_TRUE(ev->raw_value.empty());
    }
    if (ev->type == RdbEvent::kEnd) break;
  }
  EXPECT_EQ(elements, 5000u);
  EXPECT_EQ(chunks, 5u);
}

TEST(RdbRecordsTest, NeverReadsPastTheChecksum) {
  RdbBuilder b(12);
  b.Key(kTypeString, "k").Str("v");
  std::string rdb = b.Finish();
  ExactSource source(rdb);
  RdbReader reader(source);
  for (;;) {
    auto ev = reader.Next();
    ASSERT_TRUE(ev.ok()) << ev.status();
    if (ev->type == RdbEvent::kEnd) break;
  }
  EXPECT_EQ(reader.bytes_read(), rdb.size());
  auto after = reader.Next();
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RdbRecordsTest, ReadAheadPastTheRdbIsHandedBack) {
  RdbBuilder b(12);
  b.Key(kTypeString, "k").Str("v");
  std::string rdb = b.Finish();
  io::StringByteSource source(rdb + "+CONTINUE\r\n");
  RdbReader reader(source);
  for (;;) {
    auto ev = reader.Next();
    ASSERT_TRUE(ev.ok()) << ev.status();
    if (ev->type == RdbEvent::kEnd) break;
  }
  EXPECT_EQ(reader.read_ahead(), "+CONTINUE\r\n");
}

TEST(RdbChecksumTest, MismatchIsDataLossAndZeroMeansDisabled) {
  RdbBuilder b(10);
  b.Key(kTypeString, "k").Str("v");
  std::string good = RdbBuilder(b).Finish();
  std::string bad = good;
  bad.back() ^= 1;
  ExpectCorrupt(ErrorOf(bad), "checksum");
  auto off = ReadAllFromString(RdbBuilder(b).Finish(/*checksum=*/false));
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->checksum_verified);
  auto on = ReadAllFromString(good);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->checksum_verified);
}

TEST(RdbErrorsTest, ErrorsAreSticky) {
  io::StringByteSource source("REDIS0012\x07");
  RdbReader reader(source);
  auto first = reader.Next();
  ASSERT_FALSE(first.ok());
  auto second = reader.Next();
  EXPECT_EQ(second.status(), first.status());
}

TEST(RdbErrorsTest, HugeLengthsFailBeforeAllocating) {
  RdbBuilder str(12);
  str.Key(kTypeString, "k").Len(1ULL << 60);
  ExpectCorrupt(ErrorOf(str.Finish()), "exceeds the limit");
  RdbBuilder lzf(12);
  lzf.Key(kTypeString, "k").Byte(0xC3).Len(10).Len(1ULL << 40);
  ExpectCorrupt(ErrorOf(lzf.Finish()), "exceeds the limit");
  RdbBuilder count(12);
  count.Key(kTypeList, "k").Len(1ULL << 40);
  ExpectCorrupt(ErrorOf(count.Finish()), "exceeds the limit");
  RdbLimits small;
  small.max_string_bytes = 10;
  RdbBuilder blob(12);
  blob.Key(kTypeSetListpack, "k").Str(Listpack({std::string("aaaaaaaaaaaaa")}));
  ExpectCorrupt(ErrorOf(blob.Finish(), small), "exceeds the limit");
}

TEST(RdbErrorsTest, EmptyCollectionsAreCorrupt) {
  RdbBuilder plain(12);
  plain.Key(kTypeSet, "k").Len(0);
  ExpectCorrupt(ErrorOf(plain.Finish()), "empty");
  RdbBuilder packed(12);
  packed.Key(kTypeHashListpack, "k").Str(Listpack({}));
  ExpectCorrupt(ErrorOf(packed.Finish()), "empty");
}

TEST(RdbErrorsTest, MalformedBlobsNameTheOffsetOfTheBlob) {
  RdbBuilder b(12);
  b.Key(kTypeHashListpack, "k").Str(Listpack({std::string("f")}));  // a field without value
  ExpectCorrupt(ErrorOf(b.Finish()), "hash-listpack");
  RdbBuilder z(12);
  z.Key(kTypeZsetListpack, "k").Str(Listpack({std::string("m"), std::string("x1")}));
  ExpectCorrupt(ErrorOf(z.Finish()), "score");
  RdbBuilder q(12);
  q.Key(kTypeListQuicklist2, "k").Len(1).Len(3).Str("x");
  ExpectCorrupt(ErrorOf(q.Finish()), "container");
  RdbBuilder t(12);
  t.Byte(0x1A);
  ExpectCorrupt(ErrorOf(t.Finish()), "unknown record type 26");
}

uint64_t ModuleId(const std::string& name, int encver) {
  static const std::string kCharset =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint64_t id = 0;
  for (char ch : name) id = (id << 6) | kCharset.find(ch);
  return (id << 10) | encver;
}

TEST(RdbModuleTest, ModuleValuesFailNamingTheModule) {
  RdbBuilder b(12);
  b.Key(kTypeModule2, "k").Len(ModuleId("ReJSON-RL", 3)).Len(kModuleOpEof);
  absl::Status st = ErrorOf(b.Finish());
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "ReJSON-RL")) << st;
}

TEST(RdbModuleTest, ModuleAuxIsSkippedWithAMessage) {
  RdbBuilder b(12);
  b.Byte(kOpModuleAux).Len(ModuleId("graphdata", 1)).Len(kModuleOpUint).Len(2);
  b.Len(kModuleOpUint).Len(5).Len(kModuleOpString).Str("abc").Len(kModuleOpDouble).Le(0, 8);
  b.Len(kModuleOpFloat).Le(0, 4).Len(kModuleOpEof);
  b.Key(kTypeString, "after").Str("ok");
  auto c = ReadAllFromString(b.Finish());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->module_aux_messages.size(), 1u);
  EXPECT_TRUE(absl::StrContains(c->module_aux_messages[0], "graphdata"));
  ASSERT_EQ(c->keys.size(), 1u);
  RdbBuilder bad(12);
  bad.Byte(kOpModuleAux).Len(ModuleId("graphdata", 1)).Len(kModuleOpUint).Len(2).Len(9);
  ExpectCorrupt(ErrorOf(bad.Finish()), "cannot be skipped");
}

TEST(RdbModuleTest, PreGaFunctionsAreRefused) {
  RdbBuilder b(10);
  b.Byte(kOpFunctionPreGa).Str("lib");
  absl::Status st = ErrorOf(b.Finish());
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
}

TEST(RdbSourceTest, SourceErrorsPassThrough) {
  ExactSource source("REDIS0012\xfa\x03");
  RdbReader reader(source);
  auto ev = reader.Next();
  EXPECT_EQ(ev.status().code(), absl::StatusCode::kCancelled) << ev.status();
}

}  // namespace
}  // namespace rms::engine::rdb::testing
