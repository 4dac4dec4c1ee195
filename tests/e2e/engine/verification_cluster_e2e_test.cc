// Verification e2e with a Redis Cluster target: after a full migration into 3 masters, a clean
// full verification finds nothing and checks every source key (each read on the master owning
// the key, the extra-key scan over every master); planted differences on the cluster are found
// exactly; a sample checks the requested number of keys.
#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/verify_env.h"
#include "tests/support/redis_cluster.h"

namespace rms::e2e {
namespace {

constexpr char kClusterPassword[] = "verify-cluster-secret";

class VerificationClusterTest : public VerifyE2eTest {};

TEST_F(VerificationClusterTest, ClusterTargetVerifiesCleanThenFindsPlantedDifferences) {
  auto source = test_support::RedisServer::Start(ServerOptions("verify-cluster-source"));
  ASSERT_TRUE(source.ok()) << source.status();
  test_support::RedisClusterOptions options;
  options.password = kClusterPassword;
  auto cluster = test_support::RedisCluster::Start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_EQ((*source)->Cli({"DEBUG", "POPULATE", "3000", "key"}).value_or(""), "OK");
  const std::vector<std::vector<std::string>> writes = {{"HSET", "hash", "a", "1", "b", "2"},
                                                        {"SADD", "set", "x", "y"},
                                                        {"ZADD", "zset", "1", "m"},
                                                        {"RPUSH", "list", "p", "q"},
                                                        {"XADD", "stream", "*", "f", "v"},
                                                        {"SET", "ttl:moved", "v", "EX", "3600"},
                                                        {"SET", "typed", "a string"},
                                                        {"SET", "changed", "original"},
                                                        {"SET", "deleted", "v"},
                                                        {"SET", "{tag}:a", "1"},
                                                        {"SET", "{tag}:b", "2"}};
  for (const auto& write : writes) ASSERT_TRUE((*source)->Cli(write).ok()) << write[0];
  const int64_t source_keys = KeyCount(**source);

  const std::string task =
      CreateAndConfigureAddrs("full_amount_migration", "auto", AddrOf(**source),
                              (*source)->password(), (*cluster)->Addrs(), kClusterPassword);
  ASSERT_FALSE(task.empty());
  ASSERT_EQ(WaitForStatus(task, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(120))["status"],
            "SUCCESS");

  const std::string clean =
      StartVerification(task, {{"mode", "full"}, {"max_source_ops", 1000000}});
  Json result = WaitForVerification(task, clean);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], source_keys);
  for (const char* field :
       {"missing", "extra", "value_mismatch", "ttl_mismatch", "type_mismatch"}) {
    EXPECT_EQ(result[field], 0) << field << ": " << result.dump();
  }

  // Planted through redis-cli -c, so each lands on the master owning the key.
  const std::vector<std::vector<std::string>> plants = PlantedDifferences();
  for (const auto& plant : plants) ASSERT_TRUE((*cluster)->Cli(plant).ok()) << plant[0];
  const std::string planted =
      StartVerification(task, {{"mode", "full"}, {"max_source_ops", 1000000}});
  result = WaitForVerification(task, planted);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  const std::map<std::string, std::string> expected = PlantedProblems();
  EXPECT_EQ(ProblemsByKey(result), expected) << result.dump();
  EXPECT_EQ(result["keys_checked"], source_keys);

  const std::string sample = StartVerification(
      task, {{"mode", "sample"}, {"sample_keys", 300}, {"max_source_ops", 1000000}});
  result = WaitForVerification(task, sample);
  ASSERT_EQ(result["status"], "DONE") << result.dump();
  EXPECT_EQ(result["keys_checked"], 300);
}

}  // namespace
}  // namespace rms::e2e
