// Engine e2e: a backup-file (RDB 12) import into a Redis 7.0 target through the import task.
#include <filesystem>

#include "tests/e2e/engine/engine_env.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::e2e {
namespace {

class ImportTest : public EngineE2eTest {};

// An import task body reading `file` of the project's import folder into `target`.
Json ImportBody(const std::string& task_name, const std::string& file,
                const test_support::RedisServer& target) {
  return Json{{"task_name", task_name},
              {"migration_type", "backupfile_import"},
              {"migration_method", "full_amount_migration"},
              {"backup_files", {{"file_source", "self_build_obs"},
                                {"files", Json::array({{{"file_name", file}}})}}},
              {"target_instance", {{"addrs", AddrOf(target)}}}};
}

TEST_F(ImportTest, Rdb12FixtureIntoRedis70EqualsItsManifest) {
  std::filesystem::copy_file(test_writer::FixturePath("rdb/dataset-rdb12.rdb"),
                             import_dir() + "/dump12.rdb");
  auto target = test_support::RedisServer::Start({"import-target-secret"});
  ASSERT_TRUE(target.ok());
  Json body{{"task_name", "import-rdb12"},
            {"migration_type", "backupfile_import"},
            {"migration_method", "full_amount_migration"},
            {"backup_files", {{"file_source", "self_build_obs"},
                              {"files", Json::array({{{"file_name", "dump12.rdb"}}})}}},
            {"target_instance",
             {{"addrs", AddrOf(**target)}, {"password", "import-target-secret"}}}};
  auto created = rest_->Send("POST", P("/migration-task"), body.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  Json task = WaitForStatus(created.json["id"], {"SUCCESS", "MIGRATION_FAILED"}, absl::Minutes(2));
  ASSERT_EQ(task["status"], "SUCCESS") << Logs(created.json["id"]).dump();

  auto client = engine::redis::RedisClient::Connect(test_writer::EndpointOf(**target));
  ASSERT_TRUE(client.ok());
  auto expected = test_writer::LoadManifest(
      test_writer::FixturePath("rdb/dataset-rdb12.manifest.jsonl.gz"));
  ASSERT_TRUE(expected.ok()) << expected.status();
  auto actual = test_writer::DumpTarget(**target, **client);
  ASSERT_TRUE(actual.ok()) << actual.status();
  std::vector<std::string> differences = test_writer::CompareManifests(
      *expected, *actual, {/*ignore_field_ttls=*/true, /*ignore_consumer_times=*/true});
  EXPECT_TRUE(differences.empty()) << differences.front();
  // Hash field TTLs cannot exist on 7.0: the task log says so instead of dropping them silently.
  EXPECT_NE(Logs(created.json["id"]).dump().find("TARGET_WARNING"), std::string::npos);
}

TEST_F(ImportTest, FileOutsideTheImportDirectoryIsRefused) {
  auto target = test_support::RedisServer::Start();
  ASSERT_TRUE(target.ok());
  std::filesystem::create_symlink("/etc/passwd", import_dir() + "/escape.rdb");
  Json body = ImportBody("import-escape", "escape.rdb", **target);
  auto created = rest_->Send("POST", P("/migration-task"), body.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  Json task = WaitForStatus(created.json["id"], {"MIGRATION_FAILED"}, absl::Seconds(60));
  EXPECT_NE(task["error_message"].get<std::string>().find("outside the import directory"),
            std::string::npos)
      << task.dump();
  EXPECT_EQ((*target)->Cli({"DBSIZE"}).value(), "0");
}

TEST_F(ImportTest, AProjectReadsOnlyItsOwnImportFolder) {
  auto target = test_support::RedisServer::Start();
  ASSERT_TRUE(target.ok());
  const std::string other = import_root() + "/another-project";
  std::filesystem::create_directory(other);
  std::filesystem::copy_file(test_writer::FixturePath("rdb/dataset-rdb10.rdb"),
                             other + "/theirs.rdb");
  std::filesystem::copy_file(test_writer::FixturePath("rdb/dataset-rdb10.rdb"),
                             import_root() + "/shared.rdb");
  for (const std::string name : {"theirs.rdb", "shared.rdb"}) {
    Json body = ImportBody("import-foreign", name, **target);
    auto created = rest_->Send("POST", P("/migration-task"), body.dump());
    ASSERT_EQ(created.status, 200) << created.body;
    Json task = WaitForStatus(created.json["id"], {"MIGRATION_FAILED", "SUCCESS"},
                              absl::Seconds(60));
    EXPECT_EQ(task["status"], "MIGRATION_FAILED") << name;
  }
  // A path that climbs out of the project's folder is refused before anything is stored.
  Json climbing = ImportBody("import-climb", "../another-project/theirs.rdb", **target);
  EXPECT_EQ(rest_->Send("POST", P("/migration-task"), climbing.dump()).status, 400);
  EXPECT_EQ((*target)->Cli({"DBSIZE"}).value(), "0");
}

}  // namespace
}  // namespace rms::e2e
