// migrationctl e2e: `verify --wait` after a real full migration answers exit 0 on an equal
// target and exit 1, with the differences listed, once the target was changed behind its back.
#include "tests/e2e/ctl/ctl_env.h"

namespace rms::e2e {
namespace {

constexpr char kSourcePassword[] = "ctl-verify-src";
constexpr char kTargetPassword[] = "ctl-verify-tgt";

class VerifyCtlE2eTest : public CtlE2eTest {};

TEST_F(VerifyCtlE2eTest, WaitExitsZeroOnAnEqualTargetAndOneOnDifferences) {
  auto source = StartRedis(kSourcePassword);
  auto target = StartRedis(kTargetPassword);
  ASSERT_TRUE(source && target);
  Populate(*source, 2000, 50);
  const std::string id = CreateTask("ctl-verify");
  ASSERT_FALSE(id.empty());
  CtlRun configured = Ctl({"configure", id, "--source", AddrOf(*source), "--source-password-env",
                           "SRC_PW", "--target", AddrOf(*target), "--target-password-env",
                           "TGT_PW", "--method", "full"},
                          {{"SRC_PW", kSourcePassword}, {"TGT_PW", kTargetPassword}});
  ASSERT_EQ(configured.exit_code, 0) << Describe(configured);
  ASSERT_EQ(WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "SUCCESS");

  CtlRun clean = Ctl({"verify", id, "--wait", "--interval", "0.2"});
  EXPECT_EQ(clean.exit_code, 0) << Describe(clean);

  ASSERT_TRUE(target->Cli({"DEL", "key:7"}).ok());
  ASSERT_TRUE(target->Cli({"SET", "key:8", "changed"}).ok());
  CtlRun differs = Ctl({"--json", "verify", id, "--wait", "--interval", "0.2"});
  EXPECT_EQ(differs.exit_code, 1) << Describe(differs);
  Json report = Json::parse(differs.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << differs.out;
  EXPECT_EQ(report["status"], "DONE");
  EXPECT_EQ(report["missing"], 1);
  EXPECT_EQ(report["value_mismatch"], 1);
  EXPECT_EQ(report["keys_checked"], 2000);
  EXPECT_EQ(differs.out.find(kSourcePassword), std::string::npos);
}

}  // namespace
}  // namespace rms::e2e
