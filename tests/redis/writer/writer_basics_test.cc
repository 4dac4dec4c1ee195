// Small pieces of the writer: version mapping (and against a real 7.0), score and key formatting.
#include <cmath>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/writer/key_label.h"
#include "services/engine/writer/target_version.h"
#include "services/engine/writer/value_rewriter.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_writer {
namespace {

using engine::writer::FormatScore;
using engine::writer::KeyLabel;
using engine::writer::RdbVersionForRedisVersion;

TEST(WriterBasicsTest, RdbVersionForRedisVersion) {
  const std::pair<const char*, int> cases[] = {
      {"8.0.2", 12}, {"7.4.0", 12}, {"7.2.4", 11}, {"7.0.15", 10}, {"6.2.14", 9},
      {"6.0.0", 9},  {"5.0.14", 9}, {"4.0.14", 8}, {"3.2.12", 7},  {"3.0.7", 6},
      {"2.8.24", 6}, {"2.6.17", 6}, {"2.4.18", 2}, {"2.2.0", 1},
  };
  for (const auto& [text, want] : cases) {
    auto got = RdbVersionForRedisVersion(text);
    ASSERT_TRUE(got.ok()) << text;
    EXPECT_EQ(*got, want) << text;
  }
  EXPECT_EQ(RdbVersionForRedisVersion("seven").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RdbVersionForRedisVersion("7").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WriterBasicsTest, QueryTargetRdbVersionOfRedis70) {
  test_support::RedisServerOptions options;
  options.password = kTargetPassword;
  auto server = test_support::RedisServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto client = engine::redis::RedisClient::Connect(EndpointOf(**server));
  ASSERT_TRUE(client.ok()) << client.status();
  engine::writer::RedisClientNode node(**client);
  auto version = engine::writer::QueryTargetRdbVersion(node);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 10);  // Debian 12 ships Redis 7.0
}

TEST(WriterBasicsTest, ScoresRoundTrip) {
  EXPECT_EQ(FormatScore(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FormatScore(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FormatScore(1.5), "1.5");
  EXPECT_EQ(FormatScore(3e100), "2.9999999999999999e+100");
  for (double score : {1.0 / 7, -2.0, 0.1, 1e-300, 123456789.123456789}) {
    EXPECT_EQ(std::strtod(FormatScore(score).c_str(), nullptr), score);
  }
}

TEST(WriterBasicsTest, KeyLabels) {
  EXPECT_EQ(KeyLabel("user:1", false), "'user:1'");
  EXPECT_EQ(KeyLabel(std::string("a\0b\n", 4), false), "'a\\000b\\n'");
  EXPECT_TRUE(absl::EndsWith(KeyLabel(std::string(500, 'k'), false), "...'"));
  const std::string hashed = KeyLabel("user:1", true);
  EXPECT_TRUE(absl::StartsWith(hashed, "key#"));
  EXPECT_EQ(hashed.size(), 4u + 16u);
  EXPECT_FALSE(absl::StrContains(hashed, "user"));
  EXPECT_EQ(hashed, KeyLabel("user:1", true));
  EXPECT_NE(hashed, KeyLabel("user:2", true));
}

// The oracle itself: a pending entry's delivery count is compared, encodings and (on request)
// consumers' seen-time are not.
TEST(WriterBasicsTest, ManifestComparisonSeesStreamDifferences) {
  auto want = LoadManifest(FixturePath("rdb/dataset-rdb10.manifest.jsonl.gz"));
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_GT(want->size(), 50u);
  const std::pair<int, std::string> stream_id = {0, "ZGIwOnN0cmVhbQ=="};  // db0:stream
  ASSERT_EQ(want->count(stream_id), 1u);
  EXPECT_TRUE(CompareManifests(*want, *want, {}).empty());

  // Flat XINFO lists: [..., "groups", [[..., "consumers", [[name, .., "seen-time", t, ..]]]]].
  auto value_after = [](nlohmann::json& flat, const std::string& name) -> nlohmann::json& {
    std::string b64;
    absl::Base64Escape(name, &b64);
    for (size_t i = 0; i + 1 < flat.size(); i += 2) {
      if (flat[i] == b64) return flat[i + 1];
    }
    ADD_FAILURE() << "no " << name;
    return flat;
  };
  ManifestRows seen_time = *want;
  nlohmann::json& group = value_after(seen_time[stream_id]["value"], "groups")[0];
  nlohmann::json& consumer = value_after(group, "consumers")[0];
  value_after(consumer, "seen-time") = 1;
  seen_time[stream_id]["encoding"] = "other";
  EXPECT_TRUE(CompareManifests(*want, seen_time, {}).empty());
  CompareOptions exact;
  exact.ignore_consumer_times = false;
  EXPECT_EQ(CompareManifests(*want, seen_time, exact).size(), 1u);

  ManifestRows count = *want;
  nlohmann::json& pending =
      value_after(value_after(count[stream_id]["value"], "groups")[0], "pending")[0];
  pending[3] = pending[3].get<int>() + 1;  // [id, consumer, delivery time, delivery count]
  EXPECT_EQ(CompareManifests(*want, count, {}).size(), 1u);

  ManifestRows missing = *want;
  missing.erase(stream_id);
  EXPECT_EQ(CompareManifests(*want, missing, {}).size(), 1u);
}

}  // namespace
}  // namespace rms::test_writer
