// The Verifier between two real redis-servers with different encodings: a clean pair in both
// digest modes, planted differences counted exactly, samples of the requested size.
#include "services/verify/verifier.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/redis/util/redis_test_util.h"
#include "tests/redis/verify/verify_test_data.h"

namespace rms::test_redis {
namespace {

using verify::DigestMode;
using verify::VerifierOptions;

constexpr int kStrings = 500;
constexpr int kAllKeys = kStrings + kNonStringKeys;

class VerifierTest : public ::testing::Test {
 protected:
  void Start(bool target_debug) {
    auto source = test_support::RedisServer::Start(EncodingOptions(/*compact=*/true));
    ASSERT_TRUE(source.ok()) << source.status();
    source_ = *std::move(source);
    auto target = test_support::RedisServer::Start(EncodingOptions(false, target_debug));
    ASSERT_TRUE(target.ok()) << target.status();
    target_ = *std::move(target);
    WriteDataset(*ClientOf(*source_), kStrings);
    WriteDataset(*ClientOf(*target_), kStrings);
  }
  static VerifierOptions Fast(std::optional<DigestMode> mode = std::nullopt) {
    VerifierOptions options;
    options.max_source_ops = 1000000;
    options.digest_mode = mode;
    return options;
  }
  std::unique_ptr<test_support::RedisServer> source_;
  std::unique_ptr<test_support::RedisServer> target_;
};

TEST_F(VerifierTest, CleanPairAgreesInBothDigestModes) {
  Start(/*target_debug=*/true);
  for (DigestMode mode : {DigestMode::kDebug, DigestMode::kChunked}) {
    VerifyResult result = RunVerifier(*source_, *target_, Fast(mode));
    ASSERT_TRUE(result.status.ok()) << result.status;
    EXPECT_EQ(result.report.keys_checked, kAllKeys);
    EXPECT_EQ(result.report.differences(), 0)
        << (result.report.examples.empty() ? "" : result.report.examples[0].key);
  }
  EXPECT_EQ(RunVerifier(*source_, *target_, Fast()).mode, DigestMode::kDebug);
}

TEST_F(VerifierTest, RefusedDebugFallsBackToChunkedReads) {
  Start(/*target_debug=*/false);
  VerifyResult result = RunVerifier(*source_, *target_, Fast());
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.mode, DigestMode::kChunked);
  EXPECT_EQ(result.report.keys_checked, kAllKeys);
  EXPECT_EQ(result.report.differences(), 0);
}

TEST_F(VerifierTest, PlantedDifferencesAreCountedOnceEach) {
  Start(/*target_debug=*/true);
  RunCommands(*ClientOf(*target_), {{"DEL", "s:1"},
                                    {"SET", "planted-extra", "x"},
                                    {"SET", "s:2", "changed"},
                                    {"HSET", "big-hash", "field500", "changed"},
                                    {"ZADD", "zset", "3", "m1"},
                                    {"EXPIRE", "s:3", "100"},
                                    {"PEXPIRE", "expiring", "7200000"},
                                    {"DEL", "s:4"},
                                    {"HSET", "s:4", "f", "v"},
                                    {"SELECT", "2"},
                                    {"PERSIST", "db2-hash"}});
  const std::map<std::string, std::string> expected = {
      {"s:1", "missing"},  {"planted-extra", "extra"},
      {"s:2", "value"},    {"big-hash", "value"},
      {"zset", "value"},   {"s:3", "ttl"},
      {"expiring", "ttl"}, {"s:4", "type"},
      {"db2-hash", "ttl"}};
  for (DigestMode mode : {DigestMode::kDebug, DigestMode::kChunked}) {
    VerifyResult result = RunVerifier(*source_, *target_, Fast(mode));
    ASSERT_TRUE(result.status.ok()) << result.status;
    const verify::Report& report = result.report;
    EXPECT_EQ(report.keys_checked, kAllKeys);
    EXPECT_EQ(report.missing, 1);
    EXPECT_EQ(report.extra, 1);
    EXPECT_EQ(report.value_mismatch, 3);
    EXPECT_EQ(report.ttl_mismatch, 3);
    EXPECT_EQ(report.type_mismatch, 1);
    std::map<std::string, std::string> seen;
    for (const verify::Example& example : report.examples) {
      seen[example.key] = std::string(verify::ProblemName(example.problem));
      EXPECT_EQ(example.db, example.key == "db2-hash" ? 2 : 0) << example.key;
    }
    EXPECT_EQ(seen, expected);
  }
}

TEST_F(VerifierTest, ToleranceDecidesTtlDifferences) {
  Start(/*target_debug=*/true);
  // 30 s less on the target.
  RunCommands(*ClientOf(*target_), {{"PEXPIRE", "expiring", "3570000"}});
  VerifierOptions options = Fast();
  options.ttl_tolerance = absl::Seconds(60);
  EXPECT_EQ(RunVerifier(*source_, *target_, options).report.ttl_mismatch, 0);
  options.ttl_tolerance = absl::Seconds(10);
  EXPECT_EQ(RunVerifier(*source_, *target_, options).report.ttl_mismatch, 1);
}

TEST_F(VerifierTest, SamplesCheckExactlyTheRequestedNumberOfKeys) {
  Start(/*target_debug=*/true);
  for (int64_t wanted : {1, 50, 200, 400}) {  // RANDOMKEY below half the keys, SCAN above
    VerifierOptions options = Fast();
    options.sample = true;
    options.sample_keys = wanted;
    VerifyResult result = RunVerifier(*source_, *target_, options);
    ASSERT_TRUE(result.status.ok()) << result.status;
    EXPECT_EQ(result.report.keys_checked, wanted);
    EXPECT_EQ(result.report.differences(), 0);
  }
  VerifierOptions all = Fast();
  all.sample = true;
  all.sample_keys = 100000;
  EXPECT_EQ(RunVerifier(*source_, *target_, all).report.keys_checked, kAllKeys);
}

TEST_F(VerifierTest, SampleFindsADifferenceAmongTheKeysItChecks) {
  Start(/*target_debug=*/true);
  auto target = ClientOf(*target_);
  for (int i = 0; i < kStrings; ++i)
    RunCommands(*target, {{"SET", "s:" + std::to_string(i), "other"}});
  VerifierOptions options = Fast();
  options.sample = true;
  options.sample_keys = 100;
  VerifyResult result = RunVerifier(*source_, *target_, options);
  EXPECT_EQ(result.report.keys_checked, 100);
  EXPECT_GT(result.report.value_mismatch, 50);                // ~98 of 100 checked keys are strings
  EXPECT_EQ(result.report.missing + result.report.extra, 0);  // sample mode looks for no extras
}

}  // namespace
}  // namespace rms::test_redis
