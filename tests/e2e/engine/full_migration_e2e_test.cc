// Engine e2e: full migration of every type (incl. big keys, dbs 0/1/15, functions) over PSYNC,
// with passwords on both sides, configured through REST; DEBUG DIGEST of target equals source.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/engine_env.h"

namespace rms::e2e {
namespace {

constexpr char kMakeDataset[] = RMS_FIXTURES_DIR "/make_dataset.py";

// Fills `server` (no password yet) with the fixture dataset plus a ~50 MB list and a hash of
// 1M fields.
void FillEveryType(test_support::RedisServer& server) {
  const std::string command =
      absl::StrCat("/usr/bin/python3 ", kMakeDataset, " ", server.port(), " > /dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  auto list = server.Cli({"EVAL",
                          "for i=1,500000 do redis.call('RPUSH', KEYS[1], "
                          "string.rep('x', 90) .. i) end return 1",
                          "1", "big:list"});
  ASSERT_TRUE(list.ok()) << list.status();
  auto hash = server.Cli({"EVAL",
                          "for i=1,1000000 do redis.call('HSET', KEYS[1], 'field:' .. i, "
                          "'value:' .. i) end return 1",
                          "1", "big:hash"});
  ASSERT_TRUE(hash.ok()) << hash.status();
}

class FullMigrationTest : public EngineE2eTest {};

TEST_F(FullMigrationTest, EveryTypeWithBigKeysArrivesIntact) {
  auto source = test_support::RedisServer::Start();
  ASSERT_TRUE(source.ok()) << source.status();
  FillEveryType(**source);
  ASSERT_TRUE((*source)->SetPassword("source-secret-1").ok());
  auto target = test_support::RedisServer::Start({"target-secret-2"});
  ASSERT_TRUE(target.ok()) << target.status();

  const std::string id = CreateAndConfigure("full_amount_migration", "auto", **source, **target);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Minutes(5));
  ASSERT_EQ(task["status"], "SUCCESS") << Logs(id).dump();
  EXPECT_EQ(*(*source)->Digest(), *(*target)->Digest());
  EXPECT_EQ((*source)->Cli({"DBSIZE"}).value(), (*target)->Cli({"DBSIZE"}).value());
  auto fcall = (*target)->Cli({"FCALL", "fixture_echo", "0", "hello"});
  EXPECT_EQ(fcall.value_or(""), "hello");

  Json stats = Stats(id);
  EXPECT_EQ(stats["full_migration_progress"], "100.00") << stats.dump();
  EXPECT_EQ(stats["is_migrating"], false);
  Json logs = Logs(id);
  std::set<std::string> codes;
  for (const Json& entry : logs["migration_logs"]) codes.insert(entry["log_code"]);
  EXPECT_TRUE(codes.count("FULL_SYNC_STARTED") && codes.count("FULL_SYNC_DONE") &&
              codes.count("MIGRATION_SUCCEEDED"))
      << logs.dump();
  EXPECT_EQ(server_->ReadLog().find("source-secret-1"), std::string::npos);
}

TEST_F(FullMigrationTest, WrongSourcePasswordFailsTheTaskWithAClearError) {
  auto source = test_support::RedisServer::Start({"right-password"});
  auto target = test_support::RedisServer::Start();
  ASSERT_TRUE(source.ok() && target.ok());
  auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"bad-auth"})");
  const std::string id = created.json["id"];
  Json body{{"migration_method", "full_amount_migration"},
            {"resume_mode", "manual"},
            {"source_instance", {{"addrs", AddrOf(**source)}, {"password", "wrong-password"}}},
            {"target_instance", {{"addrs", AddrOf(**target)}}}};
  ASSERT_EQ(rest_->Send("POST", P("/migration/" + id + "/task"), body.dump()).status, 200);
  Json task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(60));
  EXPECT_NE(task["error_message"].get<std::string>().find("authentication"), std::string::npos)
      << task.dump();
  EXPECT_NE(Logs(id).dump().find("SOURCE_AUTH_FAILED"), std::string::npos);
  EXPECT_EQ(task.dump().find("wrong-password"), std::string::npos);
}

TEST_F(FullMigrationTest, UnreachableSourceFailsTheTask) {
  auto target = test_support::RedisServer::Start();
  ASSERT_TRUE(target.ok());
  auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"no-source"})");
  const std::string id = created.json["id"];
  const int closed_port = test_support::FreeLoopbackPort();
  Json body{{"migration_method", "full_amount_migration"},
            {"resume_mode", "manual"},
            {"source_instance", {{"addrs", absl::StrCat("127.0.0.1:", closed_port)}}},
            {"target_instance", {{"addrs", AddrOf(**target)}}}};
  ASSERT_EQ(rest_->Send("POST", P("/migration/" + id + "/task"), body.dump()).status, 200);
  Json task = WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(60));
  EXPECT_FALSE(task["error_message"].get<std::string>().empty());
  EXPECT_NE(Logs(id).dump().find("SOURCE_UNREACHABLE"), std::string::npos);
}

}  // namespace
}  // namespace rms::e2e
