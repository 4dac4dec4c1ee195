// Request validation end to end (acceptance 2): malformed requests are refused, write nothing.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/e2e/parity_fixture.h"
#include "tests/e2e/validation_rows.h"

namespace rms::e2e {
namespace {

// Everything that a refused request must leave as it was.
std::string Snapshot(const std::string& url, const std::string& task_id) {
  pqxx::connection connection(url);
  pqxx::read_transaction tx(connection);
  pqxx::row row = tx.exec_params1(
      "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM task_events),"
      " (SELECT count(*) FROM instances), (SELECT count(*) FROM checkpoints),"
      " t.status, t.updated_at::text, t.config::text FROM tasks t WHERE t.id = $1",
      task_id);
  return absl::StrCat("tasks=", row[0].as<int64_t>(), " events=", row[1].as<int64_t>(),
                      " instances=", row[2].as<int64_t>(), " checkpoints=", row[3].as<int64_t>(),
                      " status=", row[4].as<std::string>(),
                      " updated_at=", row[5].as<std::string>(),
                      " config=", row[6].as<std::string>());
}

// Seed acceptance: the official example (bandwidth 123) and the SDK's ("123") both configure.
class SeedExampleTest : public E2eTest {};

TEST_F(SeedExampleTest, AcceptsIntegerAndStringBandwidth) {
  for (const Json& bandwidth : {Json(123), Json("123")}) {
    SCOPED_TRACE(bandwidth.dump());
    auto created = a_.rest->Send("POST", P("/migration/instance"), R"({"name":"seed-task"})");
    ASSERT_EQ(created.status, 200) << created.body;
    const std::string id = created.json.value("id", "");
    const std::string before = Snapshot(env()->database->url(), id);
    auto configured =
        a_.rest->Send("POST", P("/migration/" + id + "/task"), SeedConfigure(bandwidth).dump());
    ASSERT_EQ(configured.status, 200) << configured.body;
    EXPECT_EQ(configured.json.value("status", ""), "MIGRATING");
    EXPECT_NE(Snapshot(env()->database->url(), id), before);  // the snapshot sees a write
    auto shown = a_.rest->Send("GET", P("/migration-task/" + id));
    EXPECT_EQ(shown.json.value("bandwidth_limit_mb", ""), "123") << shown.body;
    EXPECT_EQ(shown.json["source_instance"].value("addrs", ""), "127.0.0.1:6379");
  }
}

// One server for all rows; each row targets a configured (then stopped, so configurable again)
// task and must leave the database as it found it.
class BadRequestTest : public ::testing::TestWithParam<BadRequest> {
 protected:
  static void SetUpTestSuite() {
    std::optional<std::string> admin_url = test_support::TestDatabaseUrlFromEnv();
    if (!admin_url) return;
    auto env = E2eEnv::Create(*admin_url);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = std::move(*env).release();
    auto project = env_->AddProject(kProject);
    ASSERT_TRUE(project.ok()) << project.status();
    project_ = new Project(*std::move(project));
    task_id_ = new std::string(ConfiguredAndStoppedTask());
  }
  static void TearDownTestSuite() {
    delete project_;
    delete env_;
    delete task_id_;
    project_ = nullptr;
    env_ = nullptr;
    task_id_ = nullptr;
  }
  void SetUp() override {
    if (!test_support::TestDatabaseUrlFromEnv()) GTEST_SKIP() << "RMS_TEST_DATABASE_URL unset";
    ASSERT_NE(task_id_, nullptr) << "suite setup failed";
  }

  static std::string ConfiguredAndStoppedTask() {
    RestClient& rest = *project_->rest;
    rest.Send("POST", ApiPath(kProject, "/instances"),
              R"({"name":"known","addrs":"127.0.0.1:7000"})");
    auto created =
        rest.Send("POST", ApiPath(kProject, "/migration/instance"), R"({"name":"vtask"})");
    const std::string id = created.json.value("id", "");
    auto configured = rest.Send("POST", ApiPath(kProject, "/migration/" + id + "/task"),
                                SeedConfigure(123).dump());
    auto stopped = rest.Send("POST", ApiPath(kProject, "/migration-task/" + id + "/stop"));
    EXPECT_EQ(stopped.json.value("status", ""), "TERMINATED") << configured.body << stopped.body;
    return id;
  }

  static constexpr char kProject[] = "validation";
  static inline E2eEnv* env_ = nullptr;
  static inline Project* project_ = nullptr;
  static inline std::string* task_id_ = nullptr;
};

TEST_P(BadRequestTest, IsRefusedAndWritesNothing) {
  const BadRequest& row = GetParam();
  const std::string path =
      ApiPath(kProject, absl::StrReplaceAll(row.path, {{"{task}", *task_id_}}));
  const std::string db_url = env_->database->url();
  const std::string before = Snapshot(db_url, *task_id_);
  test_support::HttpReply reply = project_->rest->Send(row.method, path, row.body);
  EXPECT_EQ(reply.status, row.http_status) << reply.body.substr(0, 500);
  EXPECT_FALSE(reply.request_id.empty());
  ASSERT_TRUE(reply.json.is_object()) << reply.body.substr(0, 500);
  EXPECT_EQ(reply.json.value("error_code", ""), row.code) << reply.body;
  EXPECT_NE(reply.json.value("error_msg", ""), "") << reply.body;
  EXPECT_TRUE(reply.json.contains("error_ext_msg") && reply.json["error_ext_msg"].is_null());
  if (!row.mentions.empty()) {
    EXPECT_NE(reply.json.value("error_msg", "").find(row.mentions), std::string::npos)
        << "error_msg should name '" << row.mentions << "': " << reply.body;
  }
  EXPECT_EQ(Snapshot(db_url, *task_id_), before);
}

INSTANTIATE_TEST_SUITE_P(Rows, BadRequestTest, ::testing::ValuesIn(BadRequestRows()),
                         [](const ::testing::TestParamInfo<BadRequest>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace rms::e2e
