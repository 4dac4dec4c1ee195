// Unit tests of the verification report and its exit code, over canned replies.
#include "services/ctl/verification_view.h"

#include <gtest/gtest.h>

#include "services/ctl/exit_codes.h"

namespace rms::ctl {
namespace {

Json Report(const std::string& text) { return Json::parse(text); }

TEST(VerificationViewTest, CleanReportExitsZero) {
  Json report = Report(R"({"verification_id":"v1","status":"DONE","keys_checked":20000,
      "missing":0,"extra":0,"value_mismatch":0,"ttl_mismatch":0,"type_mismatch":0,
      "examples":[]})");
  EXPECT_FALSE(VerificationRunning(report));
  EXPECT_TRUE(VerificationOutcome(report).ok());
  EXPECT_EQ(RenderVerification(report),
            "verification: v1\nstatus: DONE\nkeys_checked: 20000\nmissing: 0\nextra: 0\n"
            "value_mismatch: 0\nttl_mismatch: 0\ntype_mismatch: 0\nresult: no differences\n");
}

TEST(VerificationViewTest, DifferencesExitOneAndListExamples) {
  // Counters as strings, as the stats API sends int64 values; type_mismatch missing.
  Json report = Report(R"({"verification_id":"v2","status":"DONE","keys_checked":"100",
      "missing":"2","extra":"0","value_mismatch":"1","ttl_mismatch":"0",
      "examples":[{"db":0,"key":"user:1","problem":"missing"},
                  {"db":3,"key":"cart:9","problem":"value_mismatch"}]})");
  absl::Status outcome = VerificationOutcome(report);
  EXPECT_EQ(ExitCodeOf(outcome), 1);
  EXPECT_EQ(outcome.message(), "verification v2 found 3 differences");
  const std::string text = RenderVerification(report);
  EXPECT_NE(text.find("missing: 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("type_mismatch: 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("examples:\n  db 0  user:1  missing\n  db 3  cart:9  value_mismatch\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("result: 3 differences found\n"), std::string::npos) << text;
}

TEST(VerificationViewTest, FailedExitsOneWithTheError) {
  Json report = Report(
      R"({"verification_id":"v3","status":"FAILED","error":"cannot connect to the target"})");
  absl::Status outcome = VerificationOutcome(report);
  EXPECT_EQ(ExitCodeOf(outcome), 1);
  EXPECT_EQ(outcome.message(), "verification v3 failed: cannot connect to the target");
  const std::string text = RenderVerification(report);
  EXPECT_NE(text.find("error: cannot connect to the target\n"), std::string::npos) << text;
  EXPECT_NE(text.find("result: the verification failed\n"), std::string::npos) << text;
}

TEST(VerificationViewTest, RunningAndUnknownStatuses) {
  EXPECT_TRUE(VerificationRunning(Report(R"({"verification_id":"v4","status":"RUNNING"})")));
  EXPECT_TRUE(VerificationRunning(Report(R"({"verification_id":"v4"})")));
  EXPECT_EQ(ExitCodeOf(VerificationOutcome(Report(R"({"status":"PAUSED"})"))), 4);
}

}  // namespace
}  // namespace rms::ctl
