// Every valid fixture decodes to exactly what its manifest (the server's own view) says.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/engine/rdb/rdb_format.h"
#include "tests/unit/engine/rdb/rdb_test_support.h"

namespace rms::engine::rdb::testing {
namespace {

using nlohmann::json;

std::string ManifestPath(const std::string& rdb) {
  std::string base = FixturesDir() + "/" + rdb.substr(0, rdb.size() - 4) + ".manifest.jsonl";
  std::ifstream gz(base + ".gz");
  return gz.good() ? base + ".gz" : base;
}

std::string B64(const json& j) { return Base64Decode(j.get<std::string>()); }
std::string IdString(const StreamId& id) { return absl::StrCat(id.ms, "-", id.seq); }

double ParseRepr(const std::string& repr) { return std::strtod(repr.c_str(), nullptr); }

// XINFO STREAM FULL replies are flat [name, value, ...] arrays with base64 names.
std::map<std::string, json> Fields(const json& flat) {
  std::map<std::string, json> out;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) out[B64(flat[i])] = flat[i + 1];
  return out;
}

void ExpectStream(const json& info_json, const StreamValue& s, uint8_t rdb_type,
                  const std::string& ctx) {
  auto info = Fields(info_json);
  EXPECT_EQ(info["length"].get<uint64_t>(), s.length) << ctx;
  EXPECT_EQ(s.entries.size(), s.length) << ctx;
  EXPECT_EQ(B64(info["last-generated-id"]), IdString(s.last_id)) << ctx;
  if (rdb_type >= kTypeStreamListpacks2) {
    EXPECT_EQ(B64(info["max-deleted-entry-id"]), IdString(s.max_deleted_entry_id)) << ctx;
    EXPECT_EQ(info["entries-added"].get<uint64_t>(), s.entries_added) << ctx;
    EXPECT_EQ(B64(info["recorded-first-entry-id"]), IdString(s.first_id)) << ctx;
  }
  const json& entries = info["entries"];  // the first entries (XINFO's COUNT)
  ASSERT_LE(entries.size(), s.entries.size()) << ctx;
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(B64(entries[i][0]), IdString(s.entries[i].id)) << ctx << " entry " << i;
    const json& fv = entries[i][1];
    ASSERT_EQ(fv.size(), s.entries[i].fields.size() * 2) << ctx << " entry " << i;
    for (size_t k = 0; k < s.entries[i].fields.size(); ++k) {
      EXPECT_EQ(B64(fv[2 * k]), s.entries[i].fields[k].first) << ctx;
      EXPECT_EQ(B64(fv[2 * k + 1]), s.entries[i].fields[k].second) << ctx;
    }
  }
  const json& groups = info["groups"];
  ASSERT_EQ(groups.size(), s.groups.size()) << ctx;
  for (size_t g = 0; g < groups.size(); ++g) {
    auto gi = Fields(groups[g]);
    const StreamGroup& sg = s.groups[g];
    std::string gctx = absl::StrCat(ctx, " group ", sg.name);
    EXPECT_EQ(B64(gi["name"]), sg.name) << gctx;
    EXPECT_EQ(B64(gi["last-delivered-id"]), IdString(sg.last_id)) << gctx;
    EXPECT_EQ(gi["pel-count"].get<size_t>(), sg.pending.size()) << gctx;
    const json& pending = gi["pending"];
    ASSERT_LE(pending.size(), sg.pending.size()) << gctx;
    for (size_t i = 0; i < pending.size(); ++i) {
      EXPECT_EQ(B64(pending[i][0]), IdString(sg.pending[i].id)) << gctx;
      EXPECT_EQ(B64(pending[i][1]), sg.pending[i].consumer) << gctx;
      EXPECT_EQ(pending[i][2].get<int64_t>(), sg.pending[i].delivery_time_ms) << gctx;
      EXPECT_EQ(pending[i][3].get<uint64_t>(), sg.pending[i].delivery_count) << gctx;
    }
    const json& consumers = gi["consumers"];
    ASSERT_EQ(consumers.size(), sg.consumers.size()) << gctx;
    for (size_t c = 0; c < consumers.size(); ++c) {
      auto ci = Fields(consumers[c]);
      const StreamConsumer& sc = sg.consumers[c];
      EXPECT_EQ(B64(ci["name"]), sc.name) << gctx;
      EXPECT_EQ(ci["seen-time"].get<int64_t>(), sc.seen_time_ms) << gctx;
      if (ci.count("active-time")) {
        EXPECT_EQ(ci["active-time"].get<int64_t>(), sc.active_time_ms) << gctx;
      }
      EXPECT_EQ(ci["pel-count"].get<size_t>(), sc.pending.size()) << gctx;
    }
  }
}

void ExpectValue(const json& row, const CollectedKey& key, const std::string& ctx) {
  const std::string type = row["type"];
  const ElementChunk& e = key.elements;
  if (type == "string") {
    ASSERT_EQ(e.members.size(), 1u) << ctx;
    EXPECT_EQ(e.members[0], B64(row["value_b64"])) << ctx;
  } else if (type == "list") {
    std::vector<std::string> want;
    for (const json& v : row["value_b64"]) want.push_back(B64(v));
    EXPECT_EQ(e.members, want) << ctx;
  } else if (type == "set") {
    std::multiset<std::string> want, got(e.members.begin(), e.members.end());
    for (const json& v : row["value_b64"]) want.insert(B64(v));
    EXPECT_EQ(got, want) << ctx;
  } else if (type == "hash") {
    std::map<std::string, std::string> want, got;
    for (auto& [f, v] : row["value_b64"].items()) want[Base64Decode(f)] = B64(v);
    ASSERT_EQ(e.members.size(), e.values.size()) << ctx;
    for (size_t i = 0; i < e.members.size(); ++i) got[e.members[i]] = e.values[i];
    EXPECT_EQ(got, want) << ctx;
    EXPECT_EQ(got.size(), e.members.size()) << ctx << ": duplicate fields";
    std::map<std::string, int64_t> want_ttl, got_ttl;
    if (row.contains("field_expire_at_ms")) {
      for (auto& [f, t] : row["field_expire_at_ms"].items()) want_ttl[Base64Decode(f)] = t;
    }
    for (size_t i = 0; i < e.field_expire_at_ms.size(); ++i) {
      if (e.field_expire_at_ms[i] != -1) got_ttl[e.members[i]] = e.field_expire_at_ms[i];
    }
    EXPECT_EQ(got_ttl, want_ttl) << ctx;
  } else if (type == "zset") {
    std::map<std::string, double> want, got;
    for (const json& p : row["value"]) want[B64(p[0])] = ParseRepr(p[1]);
    ASSERT_EQ(e.members.size(), e.scores.size()) << ctx;
    for (size_t i = 0; i < e.members.size(); ++i) got[e.members[i]] = e.scores[i];
    ASSERT_EQ(got.size(), want.size()) << ctx;
    for (auto& [m, s] : want) {
      ASSERT_TRUE(got.count(m)) << ctx;
      if (std::isinf(s)) {
        EXPECT_EQ(got[m], s) << ctx;
      } else {
        EXPECT_DOUBLE_EQ(got[m], s) << ctx;
      }
    }
  } else if (type == "stream") {
    ASSERT_TRUE(key.stream.has_value()) << ctx;
    ExpectStream(row["value"], *key.stream, key.header.rdb_type, ctx);
  } else {
    ADD_FAILURE() << ctx << ": unknown manifest type " << type;
  }
}

class FixtureManifestTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureManifestTest, EveryKeyMatchesTheManifest) {
  const std::string file = GetParam();
  auto collected = ReadAllFromString(ReadFileOrDie(FixturesDir() + "/" + file));
  ASSERT_TRUE(collected.ok()) << file << ": " << collected.status();

  // Keys whose TTL had passed when the manifest was written are absent from it.
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  std::map<std::pair<int, std::string>, const CollectedKey*> live;
  for (const CollectedKey& k : collected->keys) {
    if (k.header.expire_at_ms != -1 && k.header.expire_at_ms <= now_ms) continue;
    EXPECT_TRUE(live.emplace(std::make_pair(k.header.db, k.header.key), &k).second)
        << file << ": duplicate key";
  }
  std::vector<std::string> lines = ReadManifestLines(ManifestPath(file));
  EXPECT_EQ(live.size(), lines.size()) << file;
  for (const std::string& line : lines) {
    json row = json::parse(line);
    std::string key = B64(row["key_b64"]);
    std::string ctx = absl::StrCat(file, " db", row["db"].get<int>(), " key '", key, "' (",
                                   row["type"].get<std::string>(), ")");
    auto it = live.find({row["db"].get<int>(), key});
    ASSERT_NE(it, live.end()) << ctx << " missing";
    const CollectedKey& k = *it->second;
    EXPECT_EQ(k.header.expire_at_ms, row["expire_at_ms"].get<int64_t>()) << ctx;
    ExpectValue(row, k, ctx);
  }
  EXPECT_LE(collected->max_chunk_seen, RdbLimits().chunk_elements);
  if (collected->version >= 5) {
    EXPECT_TRUE(collected->checksum_verified || absl::StrContains(file, "legacy")) << file;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureManifestTest, ::testing::ValuesIn(ValidFixtures()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(FixtureSpecificTest, ScriptBackupYieldsItsLuaAuxField) {
  auto c = ReadAllFromString(ReadFileOrDie(FixturesDir() + "/legacy/scriptbackup.rdb"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->keys.empty());
  bool found = false;
  for (auto& [k, v] : c->aux) {
    if (k == "lua") {
      found = true;
      EXPECT_EQ(v, "return redis.call('set', 'foo', 'bar')");
    }
  }
  EXPECT_TRUE(found);
}

TEST(FixtureSpecificTest, DatasetsCarryTheirFunctionLibrary) {
  for (const char* f : {"dataset-rdb10.rdb", "dataset-rdb12.rdb"}) {
    auto c = ReadAllFromString(ReadFileOrDie(FixturesDir() + "/" + f));
    ASSERT_TRUE(c.ok()) << f << ": " << c.status();
    ASSERT_EQ(c->functions.size(), 1u) << f;
    EXPECT_TRUE(absl::StartsWith(c->functions[0], "#!lua name=")) << c->functions[0];
    EXPECT_TRUE(c->checksum_verified) << f;
  }
}

TEST(FixtureSpecificTest, SmallChunksSplitBigValuesInOrder) {
  RdbLimits limits;
  limits.chunk_elements = 7;
  auto small = ReadAllFromString(ReadFileOrDie(FixturesDir() + "/dataset-rdb12.rdb"), 0, limits);
  auto big = ReadAllFromString(ReadFileOrDie(FixturesDir() + "/dataset-rdb12.rdb"));
  ASSERT_TRUE(small.ok() && big.ok());
  EXPECT_EQ(small->max_chunk_seen, 7u);
  ASSERT_EQ(small->keys.size(), big->keys.size());
  for (size_t i = 0; i < big->keys.size(); ++i) {
    EXPECT_EQ(small->keys[i].elements.members, big->keys[i].elements.members);
    EXPECT_EQ(small->keys[i].elements.values, big->keys[i].elements.values);
    EXPECT_EQ(small->keys[i].raw_value, big->keys[i].raw_value);
  }
}

}  // namespace
}  // namespace rms::engine::rdb::testing
