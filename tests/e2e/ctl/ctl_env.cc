// Shared setup of the migrationctl e2e tests.
#include "tests/e2e/ctl/ctl_env.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rms::e2e {

void CtlE2eTest::SetUp() {
  EngineE2eTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  auto token = server_->CreateCredentials(project_);
  ASSERT_TRUE(token.ok()) << token.status();
  token_ = token->token;
  auto aksk = server_->CreateCredentials(project_, /*aksk=*/true);
  ASSERT_TRUE(aksk.ok()) << aksk.status();
  access_key_ = aksk->access_key;
  secret_key_ = aksk->secret_key;
}

CtlOptions CtlE2eTest::Options(const std::map<std::string, std::string>& extra,
                               absl::Duration timeout) const {
  CtlOptions options;
  options.env = {{"RMS_ENDPOINT", absl::StrCat("http://127.0.0.1:", server_->http_port())},
                 {"RMS_PROJECT", project_},
                 {"RMS_TOKEN", token_}};
  for (const auto& [name, value] : extra) options.env[name] = value;
  options.timeout = timeout;
  return options;
}

CtlRun CtlE2eTest::Ctl(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& extra) const {
  return RunCtl(args, Options(extra));
}

std::string CtlE2eTest::CreateTask(const std::string& name) const {
  CtlRun created = Ctl({"create", name, "--json"});
  EXPECT_EQ(created.exit_code, 0) << Describe(created);
  Json reply = Json::parse(created.out, nullptr, false);
  EXPECT_TRUE(reply.is_object() && reply.contains("id")) << created.out;
  return reply.is_object() ? reply.value("id", "") : "";
}

std::unique_ptr<test_support::RedisServer> CtlE2eTest::StartRedis(
    const std::string& password, std::vector<std::string> extra_config) {
  test_support::RedisServerOptions options;
  options.password = password;
  options.extra_config = std::move(extra_config);
  auto server = test_support::RedisServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

void CtlE2eTest::Populate(const test_support::RedisServer& server, int keys, int value_bytes) {
  auto reply =
      server.Cli({"DEBUG", "POPULATE", absl::StrCat(keys), "key", absl::StrCat(value_bytes)});
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(*reply, "OK");
}

std::string KeyValue(const std::string& output, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (absl::ConsumePrefix(&line, key + ": ")) return std::string(line);
  }
  return "";
}

}  // namespace rms::e2e
