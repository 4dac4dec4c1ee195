// Shared e2e setup: a fresh database, one migrationd on it, and a fresh project per test.
#include "tests/e2e/e2e_env.h"

#include "absl/strings/str_cat.h"

namespace rms::e2e {
namespace {

// Puts `password` into the userinfo of a postgresql:// URL ("rms@" -> "rms:<password>@").
std::string WithPassword(const std::string& url, const std::string& password) {
  const size_t at = url.find('@');
  if (password.empty() || at == std::string::npos) return url;
  return absl::StrCat(url.substr(0, at), ":", password, url.substr(at));
}

absl::Status& SuiteStatus() {
  static absl::Status status;
  return status;
}

}  // namespace

std::string ApiPath(const std::string& project, const std::string& path) {
  return absl::StrCat("/v2/", project, path);
}

absl::StatusOr<std::unique_ptr<E2eEnv>> E2eEnv::Create(
    const std::string& admin_url, const std::string& db_password,
    const std::vector<std::string>& extra_flags) {
  auto env = std::make_unique<E2eEnv>();
  auto database = test_support::PgTestDatabase::Create(admin_url);
  if (!database.ok()) return database.status();
  env->database = *std::move(database);
  auto dir = test_support::TempDir::Create("rms-e2e");
  if (!dir.ok()) return dir.status();
  env->dir = *std::move(dir);
  test_support::MigrationdOptions options;
  options.data_dir = env->dir->path();
  options.database_url = WithPassword(env->database->url(), db_password);
  // API only: these tests configure tasks at made-up addresses that no worker should dial.
  options.extra_flags = {"--roles", "api"};
  options.extra_flags.insert(options.extra_flags.end(), extra_flags.begin(), extra_flags.end());
  auto server = test_support::MigrationdProcess::Start(options);
  if (!server.ok()) return server.status();
  env->server = *std::move(server);
  return env;
}

absl::StatusOr<Project> E2eEnv::AddProject(const std::string& project_id) const {
  auto credentials = server->CreateCredentials(project_id);
  if (!credentials.ok()) return credentials.status();
  Project project;
  project.credentials = *credentials;
  project.rest = std::make_unique<RestClient>(server->http_port(), credentials->token);
  project.grpc = std::make_unique<GrpcClient>(server->grpc_port(), credentials->token);
  return project;
}

std::unique_ptr<E2eEnv>& E2eTest::env() {
  static std::unique_ptr<E2eEnv> shared;
  return shared;
}

void E2eTest::SetUpTestSuite() {
  std::optional<std::string> admin_url = test_support::TestDatabaseUrlFromEnv();
  if (!admin_url) return;
  auto created = E2eEnv::Create(*admin_url);
  SuiteStatus() = created.status();
  if (created.ok()) env() = *std::move(created);
}

void E2eTest::TearDownTestSuite() { env().reset(); }

void E2eTest::SetUp() {
  if (!test_support::TestDatabaseUrlFromEnv()) {
    GTEST_SKIP() << test_support::kTestDatabaseUrlEnv << " is not set; use tests/run";
  }
  ASSERT_TRUE(env() != nullptr) << SuiteStatus();
  static int counter = 0;
  ++counter;
  project_a_ = absl::StrCat("proj-", counter, "-a");
  project_b_ = absl::StrCat("proj-", counter, "-b");
  auto a = env()->AddProject(project_a_);
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = env()->AddProject(project_b_);
  ASSERT_TRUE(b.ok()) << b.status();
  a_ = *std::move(a);
  b_ = *std::move(b);
  rest_anonymous_ = std::make_unique<RestClient>(env()->server->http_port(), "");
  grpc_anonymous_ = std::make_unique<GrpcClient>(env()->server->grpc_port(), "");
}

}  // namespace rms::e2e
