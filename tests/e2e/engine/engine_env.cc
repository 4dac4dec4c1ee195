// Shared setup of the engine e2e tests.
#include "tests/e2e/engine/engine_env.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"

namespace rms::e2e {

std::string AddrOf(const test_support::RedisServer& server) {
  return absl::StrCat("127.0.0.1:", server.port());
}

void EngineE2eTest::SetUp() {
  std::optional<std::string> admin = test_support::TestDatabaseUrlFromEnv();
  if (!admin) GTEST_SKIP() << "RMS_TEST_DATABASE_URL is not set (run tests/run)";
  if (database_url_override_.empty()) {
    auto database = test_support::PgTestDatabase::Create(*admin);
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    database_url_ = database_->url();
  } else {
    database_url_ = database_url_override_;
  }
  auto dir = test_support::TempDir::Create("rms-engine-e2e");
  ASSERT_TRUE(dir.ok()) << dir.status();
  dir_ = *std::move(dir);
  import_root_ = dir_->path() + "/import";
  import_dir_ = import_root_ + "/" + project_;  // each project reads only its own folder
  ASSERT_EQ(mkdir(import_root_.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(import_dir_.c_str(), 0755), 0);
  test_support::MigrationdOptions options;
  options.data_dir = dir_->path();
  options.database_url = database_url_;
  options.extra_flags = {"--workers", absl::StrCat(fixture_workers_), "--import-dir", import_root_};
  options.extra_flags.insert(options.extra_flags.end(), more_flags_.begin(), more_flags_.end());
  auto server = test_support::MigrationdProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  auto credentials = server_->CreateCredentials(project_);
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  rest_ = std::make_unique<test_support::RestClient>(server_->http_port(), credentials->token);
}

void EngineE2eTest::TearDown() {
  if (server_) {
    int status = server_->Stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "migrationd did not stop cleanly; log:\n"
        << server_->ReadLog();
  }
  server_.reset();
  dir_.reset();
  database_.reset();
}

std::string EngineE2eTest::CreateAndConfigure(const std::string& method,
                                              const std::string& resume_mode,
                                              const test_support::RedisServer& source,
                                              const test_support::RedisServer& target,
                                              const std::string& bandwidth_mb) {
  return CreateAndConfigureFrom(method, resume_mode, AddrOf(source), source, target, bandwidth_mb);
}

std::string EngineE2eTest::CreateAndConfigureFrom(const std::string& method,
                                                  const std::string& resume_mode,
                                                  const std::string& source_addr,
                                                  const test_support::RedisServer& source,
                                                  const test_support::RedisServer& target,
                                                  const std::string& bandwidth_mb) {
  return CreateAndConfigureAddrs(method, resume_mode, source_addr, source.password(),
                                 AddrOf(target), target.password(), bandwidth_mb);
}

std::string EngineE2eTest::CreateAndConfigureAddrs(
    const std::string& method, const std::string& resume_mode, const std::string& source_addrs,
    const std::string& source_password, const std::string& target_addrs,
    const std::string& target_password, const std::string& bandwidth_mb) {
  Json body{{"migration_method", method},
            {"resume_mode", resume_mode},
            {"source_instance", {{"addrs", source_addrs}, {"password", source_password}}},
            {"target_instance", {{"addrs", target_addrs}, {"password", target_password}}}};
  if (!bandwidth_mb.empty()) body["bandwidth_limit_mb"] = bandwidth_mb;
  return CreateAndConfigureBody(body);
}

std::string EngineE2eTest::CreateAndConfigureBody(const Json& body) {
  auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"engine-task"})");
  EXPECT_EQ(created.status, 200) << created.body;
  if (created.status != 200) return "";
  const std::string id = created.json["id"];
  auto configured = rest_->Send("POST", P("/migration/" + id + "/task"), body.dump());
  EXPECT_EQ(configured.status, 200) << configured.body;
  return id;
}

Json EngineE2eTest::WaitForStatus(const std::string& task_id, const std::set<std::string>& statuses,
                                  absl::Duration timeout) {
  Json last;
  const bool reached = test_support::WaitFor(
      [&] {
        auto reply = rest_->Send("GET", P("/migration-task/" + task_id));
        if (reply.status == 200) last = reply.json;
        return reply.status == 200 && statuses.count(last.value("status", "")) > 0;
      },
      absl::Now() + timeout);
  EXPECT_TRUE(reached) << "task " << task_id << " last seen as " << last.dump()
                       << "\nlogs: " << Logs(task_id).dump() << "\nmigrationd log:\n"
                       << server_->ReadLog();
  return last;
}

bool EngineE2eTest::WaitForEqualDigests(const test_support::RedisServer& a,
                                        const test_support::RedisServer& b,
                                        absl::Duration timeout) {
  return test_support::WaitFor(
      [&] {
        auto da = a.Digest();
        auto db = b.Digest();
        return da.ok() && db.ok() && *da == *db;
      },
      absl::Now() + timeout);
}

Json EngineE2eTest::Logs(const std::string& task_id) {
  return rest_->Send("GET", P("/migration-task/" + task_id + "/logs?limit=100")).json;
}

Json EngineE2eTest::Stats(const std::string& task_id) {
  return rest_->Send("GET", P("/migration-task/" + task_id + "/stats")).json;
}

}  // namespace rms::e2e
