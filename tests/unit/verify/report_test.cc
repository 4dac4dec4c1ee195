// Unit tests of the report (counters, the 100-example cap, key display), INFO keyspace parsing
// and the expire mark of DEBUG DIGEST-VALUE.
#include "services/verify/report.h"

#include <gtest/gtest.h>

#include "services/verify/key_reader.h"

namespace rms::verify {
namespace {

TEST(ReportTest, CountsEveryProblemAndKeepsAtMost100Examples) {
  Report report;
  for (int i = 0; i < 150; ++i) report.Add(0, "k" + std::to_string(i), Problem::kValue);
  report.Add(2, "gone", Problem::kMissing);
  report.Add(0, "more", Problem::kExtra);
  report.Add(0, "t", Problem::kTtl);
  report.Add(0, "y", Problem::kType);
  EXPECT_EQ(report.value_mismatch, 150);
  EXPECT_EQ(report.missing, 1);
  EXPECT_EQ(report.extra, 1);
  EXPECT_EQ(report.ttl_mismatch, 1);
  EXPECT_EQ(report.type_mismatch, 1);
  EXPECT_EQ(report.differences(), 154);
  ASSERT_EQ(report.examples.size(), Report::kMaxExamples);
  EXPECT_EQ(report.examples.front().key, "k0");
}

TEST(ReportTest, ProblemNames) {
  EXPECT_EQ(ProblemName(Problem::kMissing), "missing");
  EXPECT_EQ(ProblemName(Problem::kExtra), "extra");
  EXPECT_EQ(ProblemName(Problem::kValue), "value");
  EXPECT_EQ(ProblemName(Problem::kTtl), "ttl");
  EXPECT_EQ(ProblemName(Problem::kType), "type");
}

TEST(ReportTest, KeysAreShownPrintable) {
  EXPECT_EQ(EscapeKey("user:1"), "user:1");
  EXPECT_EQ(EscapeKey(std::string("a\0b\n\xff", 5)), "a\\x00b\\x0a\\xff");
  EXPECT_EQ(EscapeKey("back\\slash"), "back\\x5cslash");
  EXPECT_EQ(EscapeKey(std::string(300, 'k')), std::string(200, 'k') + "...");
}

TEST(KeyspaceTest, ParsesDatabasesWithKeys) {
  const std::vector<DbKeys> dbs = ParseKeyspace(
      "# Keyspace\r\ndb0:keys=12,expires=1,avg_ttl=0\r\ndb3:keys=7,expires=0,avg_ttl=0\r\n"
      "db5:keys=0,expires=0,avg_ttl=0\r\ngarbage\r\n");
  ASSERT_EQ(dbs.size(), 2u);
  EXPECT_EQ(dbs[0].db, 0);
  EXPECT_EQ(dbs[0].keys, 12);
  EXPECT_EQ(dbs[1].db, 3);
  EXPECT_EQ(dbs[1].keys, 7);
  EXPECT_TRUE(ParseKeyspace("# Keyspace\r\n").empty());
}

TEST(KeyspaceTest, ExpireMarkOfDebugDigestValue) {
  // redis-server 7.0: DEBUG DIGEST-VALUE of the string "v" without and with an expiry.
  EXPECT_EQ(WithoutExpireMark("311b17018163335616e089f6b951c82c477335ac"),
            "d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f");
  EXPECT_EQ(WithoutExpireMark(WithoutExpireMark("d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f")),
            "d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f");
  EXPECT_EQ(WithoutExpireMark("short"), "short");
}

}  // namespace
}  // namespace rms::verify
