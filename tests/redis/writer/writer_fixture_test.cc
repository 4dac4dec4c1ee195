// TargetWriter over the RDB fixtures into a real redis-server 7.0: RESTORE, forced rewrite, an RDB
// 12 file the target cannot fully load, and the legacy files; checked against the manifests and
// against DEBUG DIGEST of a server that loaded the same file.
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/engine/writer/target_writer.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::test_writer {
namespace {

using engine::rdb::RdbEvent;
using engine::redis::RedisClient;
using engine::writer::TargetWriter;
using engine::writer::TargetWriterOptions;
using engine::writer::TargetWriterStats;
using test_support::RedisServer;

struct Target {
  std::unique_ptr<RedisServer> server;
  std::unique_ptr<RedisClient> client;  // authenticated; for checks after the writer is done
};

Target StartTarget() {
  Target target;
  test_support::RedisServerOptions options;
  options.password = kTargetPassword;
  auto server = RedisServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return target;
  target.server = *std::move(server);
  auto client = RedisClient::Connect(EndpointOf(*target.server));
  EXPECT_TRUE(client.ok()) << client.status();
  if (client.ok()) target.client = *std::move(client);
  return target;
}

// Writes `rdb` into a fresh password-protected target and returns the writer's stats/warnings.
struct WriteResult {
  TargetWriterStats stats;
  std::vector<std::string> warnings;
};
WriteResult WriteRdb(const Target& target, const std::string& rdb, TargetWriterOptions options) {
  WriteResult result;
  auto writer = TargetWriter::Connect(EndpointOf(*target.server), options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return result;
  absl::Status status = ReplayRdb(rdb, **writer);
  EXPECT_TRUE(status.ok()) << status;
  result.stats = (*writer)->stats();
  result.warnings = (*writer)->TakeWarnings();
  return result;
}

void ExpectMatchesManifest(const Target& target, const std::string& manifest,
                           CompareOptions options = {}) {
  auto want = LoadManifest(manifest);
  ASSERT_TRUE(want.ok()) << want.status();
  auto got = DumpTarget(*target.server, *target.client);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->size(), want->size());
  for (const std::string& diff : CompareManifests(*want, *got, options)) ADD_FAILURE() << diff;
}

void ExpectSameDigestAsReference(const Target& target, const std::string& rdb) {
  auto reference = ReferenceServer::Start(rdb);
  ASSERT_TRUE(reference.ok()) << reference.status();
  auto reference_digest = (*reference)->server().Digest();
  ASSERT_TRUE(reference_digest.ok()) << reference_digest.status();
  auto digest = DigestOf(*target.client);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(*digest, *reference_digest);
}

void ExpectFunctionLoaded(const Target& target) {
  auto echo = target.client->Command({"FCALL", "fixture_echo", "0", "hello"});
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_EQ(echo->str, "hello");
}

TEST(WriterFixtureTest, Rdb10ByRestore) {
  Target target = StartTarget();
  ASSERT_TRUE(target.client);
  const std::string rdb = FixturePath("rdb/dataset-rdb10.rdb");
  WriteResult result = WriteRdb(target, rdb, TargetWriterOptions{});  // version asked: 7.0 -> 10
  EXPECT_GT(result.stats.keys_restored, 0u);
  EXPECT_GT(result.stats.keys_batched, 0u);  // small strings without TTL: MSET batches
  // The dataset's three strings over the batch's 64 KiB value bound, without TTL: SET (their raw
  // value is not captured); everything else RESTORE.
  EXPECT_EQ(result.stats.keys_rewritten, 3u);
  EXPECT_EQ(result.stats.keys_written, result.stats.keys_restored + result.stats.keys_batched +
                                           result.stats.keys_rewritten);
  EXPECT_EQ(result.stats.functions_loaded, 1u);
  EXPECT_GT(result.stats.commands_sent, result.stats.keys_restored);
  EXPECT_GT(result.stats.bytes_sent, 500u * 1024);
  EXPECT_TRUE(result.warnings.empty()) << result.warnings.front();
  ExpectFunctionLoaded(target);
  ExpectSameDigestAsReference(target, rdb);
  CompareOptions exact;
  exact.ignore_consumer_times = false;  // RESTORE keeps consumers' seen-time
  ExpectMatchesManifest(target, FixturePath("rdb/dataset-rdb10.manifest.jsonl.gz"), exact);
}

// Every type rewritten as commands (streams with groups, consumers and pending entries too), in
// small commands and batches: the same dataset comes out.
TEST(WriterFixtureTest, Rdb10ByRewrite) {
  Target target = StartTarget();
  ASSERT_TRUE(target.client);
  const std::string rdb = FixturePath("rdb/dataset-rdb10.rdb");
  TargetWriterOptions options;
  options.force_rewrite = true;
  options.max_pipeline_commands = 64;
  options.max_pipeline_bytes = 64 << 10;
  options.rewrite.max_command_elements = 100;
  options.rewrite.max_command_bytes = 16 << 10;
  WriteResult result = WriteRdb(target, rdb, options);
  EXPECT_EQ(result.stats.keys_restored, 0u);
  EXPECT_GT(result.stats.keys_rewritten, 0u);
  EXPECT_LE(result.stats.peak_pipeline_bytes, (64u << 10) + (20u << 10) + 1024);
  EXPECT_TRUE(result.warnings.empty()) << result.warnings.front();
  ExpectFunctionLoaded(target);
  ExpectSameDigestAsReference(target, rdb);
  ExpectMatchesManifest(target, FixturePath("rdb/dataset-rdb10.manifest.jsonl.gz"));
}

// Redis 7.0 loads RDB 10: the types it knows are restored (payload stamped with version 10), the
// newer ones (listpack sets, stream v3, hashes with field TTLs) rewritten, field TTLs warned.
TEST(WriterFixtureTest, Rdb12IntoRedis70) {
  Target target = StartTarget();
  ASSERT_TRUE(target.client);
  WriteResult result = WriteRdb(target, FixturePath("rdb/dataset-rdb12.rdb"), {});
  EXPECT_GT(result.stats.keys_restored, 0u);
  EXPECT_GT(result.stats.keys_rewritten, 0u);
  int ttl_warnings = 0;
  for (const std::string& warning : result.warnings) {
    if (absl::StrContains(warning, "hash:fieldttl") && absl::StrContains(warning, "3 field TTLs")) {
      ++ttl_warnings;
    }
  }
  EXPECT_EQ(ttl_warnings, 3) << absl::StrJoin(result.warnings, "\n");
  ExpectFunctionLoaded(target);
  CompareOptions compare;
  compare.ignore_field_ttls = true;  // 7.0 has no HPEXPIRETIME: the TTLs were warned about
  ExpectMatchesManifest(target, FixturePath("rdb/dataset-rdb12.manifest.jsonl.gz"), compare);
}

struct LegacyCase {
  std::string name;
  bool force_rewrite;
};

void PrintTo(const LegacyCase& c, std::ostream* os) {
  *os << c.name << (c.force_rewrite ? " (rewrite)" : " (restore)");
}

class WriterLegacyTest : public testing::TestWithParam<LegacyCase> {};

TEST_P(WriterLegacyTest, MatchesManifestAndReference) {
  Target target = StartTarget();
  ASSERT_TRUE(target.client);
  const std::string rdb = FixturePath("rdb/legacy/" + GetParam().name + ".rdb");
  TargetWriterOptions options;
  options.force_rewrite = GetParam().force_rewrite;
  std::string script;
  auto writer = TargetWriter::Connect(EndpointOf(*target.server), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status status = ReplayRdb(rdb, **writer, {}, [&](const RdbEvent& event) {
    if (event.type == RdbEvent::kAux && event.aux_key == "lua") script = event.aux_value;
  });
  ASSERT_TRUE(status.ok()) << status;
  const TargetWriterStats stats = (*writer)->stats();
  if (GetParam().force_rewrite) {
    EXPECT_EQ(stats.keys_restored, 0u);
  } else {
    EXPECT_EQ(stats.keys_rewritten, 0u);
  }
  if (!script.empty()) {
    unsigned char sha[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(script.data()), script.size(), sha);
    const std::string hex =
        absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(sha), sizeof(sha)));
    auto exists = target.client->Command({"SCRIPT", "EXISTS", hex});
    ASSERT_TRUE(exists.ok()) << exists.status();
    ASSERT_EQ(exists->elements.size(), 1u);
    EXPECT_EQ(exists->elements[0].integer, 1);
    EXPECT_EQ(stats.scripts_loaded, 1u);
  }
  ExpectSameDigestAsReference(target, rdb);
  ExpectMatchesManifest(target, FixturePath("rdb/legacy/" + GetParam().name + ".manifest.jsonl"));
}

std::vector<LegacyCase> LegacyCases() {
  std::vector<LegacyCase> cases;
  for (const char* name : {"encodings", "hash-ziplist", "hash-zipmap", "list-quicklist",
                           "scriptbackup", "zset-ziplist"}) {
    cases.push_back({name, false});
    cases.push_back({name, true});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllLegacyFiles, WriterLegacyTest, testing::ValuesIn(LegacyCases()),
                         [](const testing::TestParamInfo<LegacyCase>& info) {
                           std::string name = info.param.name;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name + (info.param.force_rewrite ? "_rewrite" : "_restore");
                         });

}  // namespace
}  // namespace rms::test_writer
