// Verification e2e during incremental migration: keys the target has not received yet (a
// bandwidth limit makes it lag) are re-checked after it caught up and not reported; a real
// difference still is.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/engine/resp/resp.h"
#include "tests/e2e/engine/verify_env.h"

namespace rms::e2e {
namespace {

class VerificationIncrementalE2eTest : public VerifyE2eTest {};

TEST_F(VerificationIncrementalE2eTest, LagIsNotReportedButARealDifferenceIs) {
  auto source = test_support::RedisServer::Start(ServerOptions("inc-source-pw"));
  auto target = test_support::RedisServer::Start(ServerOptions("inc-target-pw"));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_EQ((*source)->Cli({"DEBUG", "POPULATE", "1000", "key"}).value_or(""), "OK");
  const std::string task =
      CreateAndConfigure("incremental_migration", "auto", **source, **target, "1");
  ASSERT_FALSE(task.empty());
  ASSERT_EQ(WaitForStatus(task, {"INCRMIGEATING"}, absl::Seconds(60))["status"], "INCRMIGEATING");
  const std::string caught_up = WaitForCaughtUp(task, **source, **target, absl::Seconds(60));
  ASSERT_TRUE(caught_up.empty()) << caught_up;

  ASSERT_TRUE((*target)->Cli({"SET", "planted:extra", "x"}).ok());
  // 3.2 MB of new keys: at 1 MB/s the target is seconds behind while the verification runs.
  auto client = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(client.ok()) << client.status();
  std::string writes;
  for (int i = 0; i < 400; ++i) {
    engine::resp::AppendCommand(writes, {"SET", absl::StrCat("late:", i), std::string(8000, 'v')});
  }
  ASSERT_TRUE((*client)->Pipeline(writes, 400).ok());
  const std::string id = StartVerification(task, {{"max_source_ops", 1000000}});
  Json result = WaitForVerification(task, id);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], 1400);
  EXPECT_EQ(result["missing"], 0) << result.dump();
  EXPECT_EQ(result["value_mismatch"], 0) << result.dump();
  EXPECT_EQ(result["extra"], 1) << result.dump();
  EXPECT_EQ(ProblemsByKey(result),
            (std::map<std::string, std::string>{{"planted:extra", "extra"}}));
  // The late keys were found missing at first and checked again after the catch-up.
  EXPECT_TRUE(absl::StrContains(server_->ReadLog(), "checked again after the target caught up"))
      << server_->ReadLog();
}

}  // namespace
}  // namespace rms::e2e
