// Streams of every RDB stream type (15, 19, 21) from hand-made bytes: entries, deletions, groups,
// PELs and consumers, and the inconsistencies that make them corrupt.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/io/memory_budget.h"
#include "services/engine/rdb/rdb_format.h"
#include "tests/unit/engine/rdb/rdb_builder.h"
#include "tests/unit/engine/rdb/rdb_test_support.h"

namespace rms::engine::rdb::testing {
namespace {

std::string RawId(uint64_t ms, uint64_t seq) {
  std::string out;
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((ms >> (8 * i)) & 0xff));
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  return out;
}

// Master 1000-0 with fields a, b; entries 1000-0 {a:1, b:2} (same fields), 1001-0 deleted,
// 1002-5 {c:3}.
std::string NodeListpack() {
  return Listpack(
      {int64_t{2}, int64_t{1}, int64_t{2}, std::string("a"), std::string("b"), int64_t{0},
       // flags SAMEFIELDS, ms delta, seq delta, values, item count
       int64_t{2}, int64_t{0}, int64_t{0}, std::string("1"), std::string("2"), int64_t{5},
       // flags DELETED|SAMEFIELDS
       int64_t{3}, int64_t{1}, int64_t{0}, std::string("x"), std::string("y"), int64_t{5},
       // own fields
       int64_t{0}, int64_t{2}, int64_t{5}, int64_t{1}, std::string("c"), std::string("3"),
       int64_t{6}});
}

// `pel_owner_id` is the id the consumer claims (normally 1002-5, which the group PEL holds).
std::string StreamRdb(uint8_t type, const std::string& node, uint64_t pel_owner_ms = 1002) {
  RdbBuilder b(type == kTypeStreamListpacks ? 9 : type == kTypeStreamListpacks2 ? 10 : 11);
  b.Key(type, "s").Len(1).Str(RawId(1000, 0)).Str(node);
  b.Len(2).Len(1002).Len(5);  // length, last id
  if (type >= kTypeStreamListpacks2) b.Len(1000).Len(0).Len(1001).Len(0).Len(3);
  b.Len(1).Str("g").Len(1002).Len(5);  // one group
  if (type >= kTypeStreamListpacks2) b.Len(3);
  b.Len(1).Raw(RawId(1002, 5)).Le(1700000000000ULL, 8).Len(4);  // group PEL
  b.Len(1).Str("c1").Le(1700000000001ULL, 8);                   // one consumer
  if (type >= kTypeStreamListpacks3) b.Le(1700000000002ULL, 8);
  b.Len(1).Raw(RawId(pel_owner_ms, 5));
  return b.Finish();
}

class StreamTypesTest : public ::testing::TestWithParam<uint8_t> {};

TEST_P(StreamTypesTest, DecodesEntriesGroupsAndConsumers) {
  const uint8_t type = GetParam();
  auto c = ReadAllFromString(StreamRdb(type, NodeListpack()));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->keys.size(), 1u);
  ASSERT_TRUE(c->keys[0].stream.has_value());
  const StreamValue& s = *c->keys[0].stream;
  ASSERT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.entries[0].id, (StreamId{1000, 0}));
  EXPECT_EQ(s.entries[0].fields,
            (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(s.entries[1].id, (StreamId{1002, 5}));
  EXPECT_EQ(s.entries[1].fields, (std::vector<std::pair<std::string, std::string>>{{"c", "3"}}));
  EXPECT_EQ(s.length, 2u);
  EXPECT_EQ(s.last_id, (StreamId{1002, 5}));
  EXPECT_EQ(s.first_id, (StreamId{1000, 0}));
  const StreamId max_deleted = type == kTypeStreamListpacks ? StreamId{} : StreamId{1001, 0};
  EXPECT_EQ(s.max_deleted_entry_id, max_deleted);
  EXPECT_EQ(s.entries_added, type == kTypeStreamListpacks ? 2u : 3u);
  ASSERT_EQ(s.groups.size(), 1u);
  const StreamGroup& g = s.groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.entries_read, type == kTypeStreamListpacks ? -1 : 3);
  ASSERT_EQ(g.pending.size(), 1u);
  EXPECT_EQ(g.pending[0].consumer, "c1");
  EXPECT_EQ(g.pending[0].delivery_count, 4u);
  EXPECT_EQ(g.pending[0].delivery_time_ms, 1700000000000LL);
  ASSERT_EQ(g.consumers.size(), 1u);
  EXPECT_EQ(g.consumers[0].seen_time_ms, 1700000000001LL);
  EXPECT_EQ(g.consumers[0].active_time_ms,
            type == kTypeStreamListpacks3 ? 1700000000002LL : 1700000000001LL);
  EXPECT_EQ(g.consumers[0].pending, std::vector<StreamId>{(StreamId{1002, 5})});
  EXPECT_TRUE(c->keys[0].raw_captured);
}

INSTANTIATE_TEST_SUITE_P(Types, StreamTypesTest,
                         ::testing::Values(kTypeStreamListpacks, kTypeStreamListpacks2,
                                           kTypeStreamListpacks3));

void ExpectCorrupt(const std::string& rdb, absl::string_view fragment) {
  auto c = ReadAllFromString(rdb);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), "offset")) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), fragment)) << c.status();
}

TEST(StreamLimitTest, EntriesComeInChunksNotWhole) {
  RdbLimits limits;
  limits.chunk_elements = 1;
  limits.max_whole_value_bytes = 1024;  // far below what the entries would take held whole...
  auto c = ReadAllFromString(StreamRdb(kTypeStreamListpacks3, NodeListpack()), 0, limits);
  ASSERT_TRUE(c.ok()) << c.status();  // ...but they are handed out one chunk at a time
  EXPECT_EQ(c->max_chunk_seen, 1u);
  ASSERT_TRUE(c->keys[0].stream.has_value());
  ASSERT_EQ(c->keys[0].stream->entries.size(), 2u);
  EXPECT_EQ(c->keys[0].stream->entries[1].id, (StreamId{1002, 5}));
  EXPECT_EQ(c->keys[0].stream->first_id, (StreamId{1000, 0}));
}

TEST(StreamLimitTest, GroupsHeldWholeAreBoundedWithALimitCode) {
  RdbLimits limits;
  limits.max_whole_value_bytes = 16;  // less than one pending entry
  auto c = ReadAllFromString(StreamRdb(kTypeStreamListpacks3, NodeListpack()), 0, limits);
  ASSERT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted) << c.status();
  EXPECT_EQ(io::LimitCode(c.status()), io::kRdbValueTooLarge);
  EXPECT_TRUE(absl::StrContains(c.status().message(), "consumer groups")) << c.status();
}

TEST(StreamCorruptTest, EntryIdsMustIncreaseAcrossNodes) {
  RdbBuilder b(11);
  b.Key(kTypeStreamListpacks3, "s").Len(2);
  b.Str(RawId(1000, 0)).Str(NodeListpack()).Str(RawId(1000, 0)).Str(NodeListpack());
  b.Len(4).Len(1002).Len(5).Len(1000).Len(0).Len(1001).Len(0).Len(6).Len(0);
  ExpectCorrupt(b.Finish(), "not increasing");
}

TEST(StreamCorruptTest, ConsumerClaimsAnEntryMissingFromTheGroupPel) {
  ExpectCorrupt(StreamRdb(kTypeStreamListpacks3, NodeListpack(), 999), "group PEL");
}

TEST(StreamCorruptTest, MasterCountsDisagreeWithTheEntries) {
  std::string node = NodeListpack();
  node[6] = 3;  // master entry count 3 instead of 2
  ExpectCorrupt(StreamRdb(kTypeStreamListpacks3, node), "master entry counts");
}

TEST(StreamCorruptTest, NodeKeyIsNotAStreamId) {
  RdbBuilder b(11);
  b.Key(kTypeStreamListpacks3, "s").Len(1).Str("short").Str(NodeListpack());
  ExpectCorrupt(b.Finish(), "16-byte");
}

TEST(StreamCorruptTest, EntryFlagsAreNotAnInteger) {
  std::string node =
      Listpack({int64_t{1}, int64_t{0}, int64_t{1}, std::string("a"), int64_t{0},
                std::string("flags?"), int64_t{0}, int64_t{0}, std::string("1"), int64_t{4}});
  ExpectCorrupt(StreamRdb(kTypeStreamListpacks3, node), "flags");
}

}  // namespace
}  // namespace rms::engine::rdb::testing
