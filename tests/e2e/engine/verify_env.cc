// Shared parts of the verification e2e tests.
#include "tests/e2e/engine/verify_env.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/verify/key_reader.h"

namespace rms::e2e {

void VerifyE2eTest::SetUp() {
  OnlineE2eTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  auto credentials = server_->CreateCredentials(project_);
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  grpc_ = std::make_unique<test_support::GrpcClient>(server_->grpc_port(), credentials->token);
}

test_support::HttpReply VerifyE2eTest::PostVerify(const std::string& task_id,
                                                  const std::string& body) {
  return rest_->Send("POST", P("/migration-task/" + task_id + "/verify"), body);
}

std::string VerifyE2eTest::StartVerification(const std::string& task_id, const Json& body) {
  test_support::HttpReply reply = PostVerify(task_id, body.dump());
  EXPECT_EQ(reply.status, 200) << reply.body;
  if (reply.status != 200) return "";
  EXPECT_EQ(reply.json.size(), 1u) << reply.body;  // exactly {"verification_id":...}
  return reply.json.value("verification_id", "");
}

Json VerifyE2eTest::WaitForVerification(const std::string& task_id, const std::string& id,
                                        absl::Duration timeout) {
  Json last;
  const bool finished = test_support::WaitFor(
      [&] {
        auto reply = rest_->Send("GET", P("/migration-task/" + task_id + "/verifications/" + id));
        if (reply.status == 200) last = reply.json;
        const std::string status = last.value("status", "");
        return status == "DONE" || status == "FAILED";
      },
      absl::Now() + timeout);
  EXPECT_TRUE(finished) << "verification " << id << " last seen as " << last.dump()
                        << "\nmigrationd log:\n"
                        << server_->ReadLog();
  return last;
}

std::string VerifyE2eTest::MigrateFully(const test_support::RedisServer& source,
                                        const test_support::RedisServer& target) {
  const std::string id = CreateAndConfigure("full_amount_migration", "auto", source, target);
  if (id.empty()) return id;
  Json task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Minutes(3));
  EXPECT_EQ(task["status"], "SUCCESS") << Logs(id).dump();
  return id;
}

int64_t VerifyE2eTest::KeyCount(const test_support::RedisServer& server) {
  int64_t total = 0;
  for (const verify::DbKeys& db :
       verify::ParseKeyspace(server.Cli({"INFO", "keyspace"}).value_or(""))) {
    total += db.keys;
  }
  return total;
}

std::string VerifyE2eTest::Metrics() const {
  return test_support::RestClient(server_->metrics_port(), "").Send("GET", "/metrics").body;
}

std::vector<std::vector<std::string>> PlantedDifferences() {
  return {{"DEL", "deleted"},
          {"SET", "planted:extra", "x"},
          {"SET", "changed", "other"},
          {"EXPIRE", "ttl:moved", "7200"},
          {"DEL", "typed"},
          {"RPUSH", "typed", "now a list"}};
}

std::map<std::string, std::string> PlantedProblems() {
  return {{"deleted", "missing"},
          {"planted:extra", "extra"},
          {"changed", "value"},
          {"ttl:moved", "ttl"},
          {"typed", "type"}};
}

std::map<std::string, std::string> ProblemsByKey(const Json& verification) {
  std::map<std::string, std::string> problems;
  for (const Json& example : verification.value("examples", Json::array())) {
    problems[example.value("key", "")] = example.value("problem", "");
  }
  return problems;
}

CommandSample SampleCommands(engine::redis::RedisClient& client) {
  CommandSample sample;
  auto info = client.Command({"INFO", "stats"});
  sample.at = absl::Now();
  for (absl::string_view line : absl::StrSplit(info.ok() ? info->str : "", '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (absl::ConsumePrefix(&line, "total_commands_processed:")) {
      (void)absl::SimpleAtoi(line, &sample.commands);
    }
  }
  return sample;
}

}  // namespace rms::e2e
