// Verification e2e limits: a rate-limited full run keeps the source's command rate under the
// configured limit (measured with INFO stats on the source); an unreachable source fails the
// verification with a clear error and no password.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/verify_env.h"

namespace rms::e2e {
namespace {

constexpr int kRate = 500;

class VerificationLimitsE2eTest : public VerifyE2eTest {};

// Commands per second on the source between two samples, without the samples' own INFO and the
// background rate measured before the run.
double RateBetween(const CommandSample& a, const CommandSample& b, int samples_between,
                   double background) {
  const double seconds = absl::ToDoubleSeconds(b.at - a.at);
  return (b.commands - a.commands - samples_between) / seconds - background;
}

TEST_F(VerificationLimitsE2eTest, FullRunStaysUnderTheSourceCommandRate) {
  auto source = test_support::RedisServer::Start(ServerOptions("rate-source-pw"));
  auto target = test_support::RedisServer::Start(ServerOptions("rate-target-pw"));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_EQ((*source)->Cli({"DEBUG", "POPULATE", "2500", "key"}).value_or(""), "OK");
  const std::string task = MigrateFully(**source, **target);
  ASSERT_FALSE(task.empty());

  auto client = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(client.ok()) << client.status();
  // What the source sees without a verification (none expected once the task succeeded).
  const CommandSample quiet_start = SampleCommands(**client);
  absl::SleepFor(absl::Seconds(2));  // measuring a rate over a fixed window, not synchronising
  const CommandSample quiet_end = SampleCommands(**client);
  const double background = std::max(0.0, RateBetween(quiet_start, quiet_end, 0, 0));

  const std::string id = StartVerification(task, {{"max_source_ops", kRate}});
  std::vector<CommandSample> samples = {SampleCommands(**client)};
  Json result;
  test_support::WaitFor(
      [&] {
        samples.push_back(SampleCommands(**client));
        auto reply = rest_->Send("GET", P("/migration-task/" + task + "/verifications/" + id));
        result = reply.json;
        return result.value("status", "") != "RUNNING";
      },
      absl::Now() + absl::Seconds(120));
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], 2500);

  const double average = RateBetween(samples.front(), samples.back(),
                                     static_cast<int>(samples.size()) - 1, background);
  double worst_second = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    for (size_t j = i + 1; j < samples.size(); ++j) {
      if (samples[j].at - samples[i].at < absl::Seconds(1)) continue;
      worst_second = std::max(
          worst_second, RateBetween(samples[i], samples[j], static_cast<int>(j - i), background));
      break;
    }
  }
  const double seconds = absl::ToDoubleSeconds(samples.back().at - samples.front().at);
  std::cout << "rate-limited verification: " << seconds << " s, average " << average
            << " commands/s, worst 1 s window " << worst_second << " commands/s (limit " << kRate
            << ", background " << background << ")\n";
  // 2500 keys cost over 5000 commands: the run must have taken several seconds.
  EXPECT_GT(seconds, 8.0);
  EXPECT_LE(average, kRate);
  // The limiter keeps every second of sends under the limit; the server counts a pipeline a
  // moment after it was sent, hence a little slack for the windows measured here.
  EXPECT_LE(worst_second, kRate * 1.03);
}

TEST_F(VerificationLimitsE2eTest, UnreachableSourceFailsWithoutLeakingThePassword) {
  auto source = test_support::RedisServer::Start(ServerOptions("gone-source-pw"));
  auto target = test_support::RedisServer::Start(ServerOptions("gone-target-pw"));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_TRUE((*source)->Cli({"SET", "k", "v"}).ok());
  const std::string task = MigrateFully(**source, **target);
  ASSERT_FALSE(task.empty());
  (*source)->Stop();
  Json result = WaitForVerification(task, StartVerification(task, Json::object()));
  ASSERT_EQ(result["status"], "FAILED") << result.dump();
  const std::string error = result["error"];
  EXPECT_TRUE(absl::StrContains(error, "source")) << error;
  EXPECT_FALSE(absl::StrContains(result.dump(), "gone-source-pw"));
  EXPECT_FALSE(absl::StrContains(server_->ReadLog(), "gone-source-pw"));
  EXPECT_TRUE(absl::StrContains(Metrics(), "rms_verifications{status=\"FAILED\"} 1"));
}

}  // namespace
}  // namespace rms::e2e
