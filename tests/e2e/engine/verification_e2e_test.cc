// Verification e2e: after a real full migration, a clean pair verifies with zero differences and
// every source key checked; planted differences (deleted, extra, changed value, changed TTL,
// changed type) are found exactly, over REST and gRPC; a sample checks the requested number of
// keys; metrics count the runs.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/verify_env.h"

namespace rms::e2e {
namespace {

// 5000 strings plus one key of each other type, keys with TTLs, and keys in db 2.
void FillSource(const test_support::RedisServer& source) {
  ASSERT_EQ(source.Cli({"DEBUG", "POPULATE", "5000", "key"}).value_or(""), "OK");
  const std::vector<std::vector<std::string>> writes = {
      {"HSET", "hash", "a", "1", "b", "2"},    {"SADD", "set", "x", "y"},
      {"ZADD", "zset", "1", "m", "2.5", "n"},  {"RPUSH", "list", "p", "q", "r"},
      {"XADD", "stream", "*", "f", "v"},       {"SET", "ttl:long", "v", "EX", "3600"},
      {"SET", "ttl:moved", "v", "EX", "3600"}, {"SET", "typed", "a string"},
      {"SET", "changed", "original"},          {"SET", "deleted", "v"},
      {"-n", "2", "SET", "db2:a", "1"},        {"-n", "2", "HSET", "db2:h", "f", "v"}};
  for (const auto& write : writes) ASSERT_TRUE(source.Cli(write).ok()) << write[0];
}

void ExpectZeroDifferences(const Json& verification) {
  for (const char* field :
       {"missing", "extra", "value_mismatch", "ttl_mismatch", "type_mismatch"}) {
    EXPECT_EQ(verification[field], 0) << field << ": " << verification.dump();
  }
  EXPECT_TRUE(verification["examples"].empty()) << verification.dump();
}

class VerificationE2eTest : public VerifyE2eTest {};

TEST_F(VerificationE2eTest, CleanPairThenPlantedDifferencesThenSample) {
  auto source = test_support::RedisServer::Start(ServerOptions("verify-source-pw"));
  auto target = test_support::RedisServer::Start(ServerOptions("verify-target-pw"));
  ASSERT_TRUE(source.ok() && target.ok());
  FillSource(**source);
  const std::string task = MigrateFully(**source, **target);
  ASSERT_FALSE(task.empty());
  const int64_t source_keys = KeyCount(**source);
  ASSERT_EQ(source_keys, 5012);

  // Clean pair.
  const absl::Time started = absl::Now();
  const std::string clean =
      StartVerification(task, {{"mode", "full"}, {"max_source_ops", 1000000}});
  Json result = WaitForVerification(task, clean);
  const absl::Duration took = absl::Now() - started;
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["verification_id"], clean);
  EXPECT_EQ(result["keys_checked"], source_keys);
  EXPECT_EQ(result["error"], "");
  ExpectZeroDifferences(result);
  std::cout << "clean full verification of " << source_keys
            << " keys: " << absl::FormatDuration(took) << " from POST to DONE seen\n";

  // Planted on the target: one of each problem.
  const std::vector<std::vector<std::string>> plants = PlantedDifferences();
  for (const auto& plant : plants) ASSERT_TRUE((*target)->Cli(plant).ok()) << plant[0];
  v1::StartVerificationRequest request;
  request.set_project_id(project_);
  request.set_task_id(task);
  request.mutable_body()->set_max_source_ops(1000000);
  auto started_grpc = grpc_->Call(&v1::MigrationService::Stub::StartVerification, request);
  ASSERT_TRUE(started_grpc.status.ok()) << started_grpc.status.error_message();
  const std::string planted = started_grpc.response.verification_id();
  result = WaitForVerification(task, planted);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], source_keys);
  EXPECT_EQ(result["missing"], 1);
  EXPECT_EQ(result["extra"], 1);
  EXPECT_EQ(result["value_mismatch"], 1);
  EXPECT_EQ(result["ttl_mismatch"], 1);
  EXPECT_EQ(result["type_mismatch"], 1);
  const std::map<std::string, std::string> expected = PlantedProblems();
  EXPECT_EQ(ProblemsByKey(result), expected) << result.dump();
  for (const Json& example : result["examples"]) EXPECT_EQ(example["db"], 0);
  // The same verification over gRPC.
  v1::ShowVerificationRequest show;
  show.set_project_id(project_);
  show.set_task_id(task);
  show.set_verification_id(planted);
  auto shown = grpc_->Call(&v1::MigrationService::Stub::ShowVerification, show);
  ASSERT_TRUE(shown.status.ok()) << shown.status.error_message();
  EXPECT_EQ(shown.response.status(), "DONE");
  EXPECT_EQ(shown.response.missing(), 1);
  EXPECT_EQ(shown.response.keys_checked(), source_keys);
  EXPECT_EQ(shown.response.examples_size(), 5);

  // A sample of 300 keys checks exactly 300 keys.
  const std::string sample = StartVerification(
      task, {{"mode", "sample"}, {"sample_keys", 300}, {"max_source_ops", 1000000}});
  result = WaitForVerification(task, sample);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], 300);
  EXPECT_EQ(result["extra"], 0);  // samples look at source keys only

  const std::string metrics = Metrics();
  EXPECT_TRUE(absl::StrContains(metrics, "rms_verifications{status=\"DONE\"} 3")) << metrics;
  EXPECT_TRUE(absl::StrContains(metrics, "rms_verification_keys_checked_total"));
  // The planted TTL difference, plus once more when the sample happened to pick that key.
  const int ttl_differences = 1 + result["ttl_mismatch"].get<int>();
  EXPECT_TRUE(absl::StrContains(
      metrics,
      absl::StrCat("rms_verification_differences_total{problem=\"ttl\"} ", ttl_differences)))
      << metrics;
  EXPECT_FALSE(absl::StrContains(server_->ReadLog(), "verify-source-pw"));
}

TEST_F(VerificationE2eTest, ChunkedReadsWhenDebugIsRefusedFindTheSameDifferences) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("verify-source-pw", {"enable-debug-command no"}));
  auto target = test_support::RedisServer::Start(ServerOptions(
      "verify-target-pw", {"enable-debug-command no", "hash-max-listpack-entries 0"}));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_TRUE(
      (*source)
          ->Cli({"EVAL", "for i=0,1999 do redis.call('SET','key:'..i,'value:'..i) end", "0"})
          .ok());
  ASSERT_TRUE((*source)->Cli({"HSET", "hash", "a", "1", "b", "2", "c", "3"}).ok());
  ASSERT_TRUE((*source)->Cli({"SET", "ttl", "v", "EX", "3600"}).ok());
  const std::string task = MigrateFully(**source, **target);
  ASSERT_FALSE(task.empty());
  const absl::Time started = absl::Now();
  const std::string clean = StartVerification(task, {{"max_source_ops", 1000000}});
  Json result = WaitForVerification(task, clean);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], 2002);
  ExpectZeroDifferences(result);
  std::cout << "clean chunked verification of 2002 keys: "
            << absl::FormatDuration(absl::Now() - started) << "\n";
  EXPECT_TRUE(absl::StrContains(server_->ReadLog(), "values compared by chunked reads"));

  for (const auto& plant : std::vector<std::vector<std::string>>{
           {"HSET", "hash", "c", "4"}, {"PERSIST", "ttl"}, {"DEL", "key:7"}}) {
    ASSERT_TRUE((*target)->Cli(plant).ok());
  }
  result = WaitForVerification(task, StartVerification(task, {{"max_source_ops", 1000000}}));
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  const std::map<std::string, std::string> expected = {
      {"hash", "value"}, {"ttl", "ttl"}, {"key:7", "missing"}};
  EXPECT_EQ(ProblemsByKey(result), expected) << result.dump();
}

}  // namespace
}  // namespace rms::e2e
