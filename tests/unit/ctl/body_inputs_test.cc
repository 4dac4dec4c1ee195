// Unit tests of request bodies from flags, files, stdin and environment variables.
#include "services/ctl/body_inputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "services/ctl/exit_codes.h"
#include "tests/unit/ctl/fake_api.h"

namespace rms::ctl {
namespace {

using testing::MapEnv;

ParsedArgs Args(const std::vector<std::string>& args) {
  FlagSpec spec{{"--source",
                 "--source-id",
                 "--source-password-env",
                 "--target",
                 "--target-id",
                 "--target-password-env",
                 "--method",
                 "--resume-mode",
                 "--bandwidth",
                 "--body",
                 "--mode",
                 "--sample-keys",
                 "--ttl-tolerance",
                 "--source-username",
                 "--source-tls-ca",
                 "--source-tls-server-name",
                 "--target-username",
                 "--target-tls-ca",
                 "--target-tls-server-name",
                 "--db-mapping"},
                {"--source-tls", "--source-tls-insecure", "--target-tls", "--target-tls-insecure"}};
  return ParseArgs(args, spec).value();
}

TEST(ConfigureBodyTest, FromFlagsWithPasswordsFromTheEnvironment) {
  std::istringstream in;
  auto body = ConfigureBody(
      Args({"--source", "127.0.0.1:6379", "--source-password-env", "SRC_PW", "--target-id",
            "inst-2", "--method", "incremental", "--resume-mode", "manual", "--bandwidth", "5"}),
      in, MapEnv({{"SRC_PW", "s3cret"}}));
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, Json::parse(R"({"migration_method":"incremental_migration",
      "resume_mode":"manual","bandwidth_limit_mb":"5",
      "source_instance":{"addrs":"127.0.0.1:6379","password":"s3cret"},
      "target_instance":{"id":"inst-2"}})"));
}

TEST(ConfigureBodyTest, UserAndTlsFromFlags) {
  char path[] = "/tmp/rms-ctl-ca.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  std::istringstream in;
  auto body = ConfigureBody(
      Args({"--source", "a:1", "--source-password-env", "SRC_PW", "--source-username", "mover",
            "--source-tls-ca", path, "--source-tls-server-name", "redis.example.com", "--target",
            "b:1", "--target-tls-insecure", "--method", "full"}),
      in, MapEnv({{"SRC_PW", "s3cret"}}));
  std::remove(path);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)["source_instance"], Json::parse(R"({"addrs":"a:1","password":"s3cret",
      "username":"mover","tls":{"enabled":true,
      "ca_cert":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      "server_name":"redis.example.com"}})"));
  EXPECT_EQ((*body)["target_instance"],
            Json::parse(R"({"addrs":"b:1","tls":{"enabled":true,"insecure_skip_verify":true}})"));
  auto system_store = ConfigureBody(
      Args({"--source", "a:1", "--target", "b:1", "--target-tls", "--method", "full"}), in,
      MapEnv({}));
  ASSERT_TRUE(system_store.ok()) << system_store.status();
  EXPECT_EQ((*system_store)["target_instance"]["tls"], Json::parse(R"({"enabled":true})"));
  EXPECT_EQ(ExitCodeOf(ConfigureBody(Args({"--source", "a:1", "--target", "b:1", "--source-tls-ca",
                                           "/nonexistent/ca.pem", "--method", "full"}),
                                     in, MapEnv({}))
                           .status()),
            2);
}

TEST(ConfigureBodyTest, ResumeModeDefaultsToAutoWithoutABody) {
  std::istringstream in;
  auto body = ConfigureBody(Args({"--source", "a:1", "--target", "b:1", "--method", "full"}), in,
                            MapEnv({}));
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)["resume_mode"], "auto");
  std::istringstream raw(R"({"migration_method":"full_amount_migration"})");
  EXPECT_FALSE(ConfigureBody(Args({"--body", "-"}), raw, MapEnv({}))->contains("resume_mode"));
}

TEST(ConfigureBodyTest, RequiredFlagsWithoutABody) {
  std::istringstream in;
  auto env = MapEnv({});
  EXPECT_EQ(
      ExitCodeOf(ConfigureBody(Args({"--target", "a:1", "--method", "full"}), in, env).status()),
      2);
  EXPECT_EQ(
      ExitCodeOf(ConfigureBody(Args({"--source", "a:1", "--target", "b:1"}), in, env).status()), 2);
  EXPECT_EQ(ExitCodeOf(ConfigureBody(Args({"--source", "a:1", "--source-id", "i", "--target", "b:1",
                                           "--method", "full"}),
                                     in, env)
                           .status()),
            2);
  EXPECT_EQ(
      ExitCodeOf(ConfigureBody(Args({"--source", "a:1", "--target", "b:1", "--method", "sideways"}),
                               in, env)
                     .status()),
      2);
}

TEST(ConfigureBodyTest, UnsetPasswordVariableIsAUsageErrorThatNamesOnlyTheVariable) {
  std::istringstream in;
  auto body = ConfigureBody(Args({"--source", "a:1", "--source-password-env", "NOPE", "--target",
                                  "b:1", "--method", "full"}),
                            in, MapEnv({}));
  EXPECT_EQ(ExitCodeOf(body.status()), 2);
  EXPECT_NE(body.status().message().find("$NOPE"), absl::string_view::npos);
}

TEST(ConfigureBodyTest, BodyFromStdinWithFlagsOnTop) {
  std::istringstream in(R"({"migration_method":"full_amount_migration",
      "source_instance":{"addrs":"127.0.0.1:6379"},"target_instance":{"addrs":"127.0.0.1:6380"}})");
  auto body =
      ConfigureBody(Args({"--body", "-", "--bandwidth", "2", "--target-password-env", "TGT"}), in,
                    MapEnv({{"TGT", "pw"}}));
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)["bandwidth_limit_mb"], "2");
  EXPECT_EQ((*body)["target_instance"],
            Json::parse(R"({"addrs":"127.0.0.1:6380","password":"pw"})"));
  EXPECT_EQ((*body)["source_instance"], Json::parse(R"({"addrs":"127.0.0.1:6379"})"));
}

TEST(ConfigureBodyTest, DbMappingPairsBecomeAnObject) {
  std::istringstream in;
  auto body = ConfigureBody(
      Args({"--source", "a:1", "--target", "b:1", "--method", "full", "--db-mapping", "2:0, 5:0"}),
      in, MapEnv({}));
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)["db_mapping"], Json::parse(R"({"2":0,"5":0})"));
  for (const char* bad : {"2", "2:x", "2:0:1", "a:0"}) {
    auto refused = ConfigureBody(
        Args({"--source", "a:1", "--target", "b:1", "--method", "full", "--db-mapping", bad}), in,
        MapEnv({}));
    EXPECT_EQ(ExitCodeOf(refused.status()), 2) << bad;
  }
}

TEST(ConfigureBodyTest, BodyFromAFile) {
  char path[] = "/tmp/ctl-body-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << R"({"migration_method":"full_amount_migration"})";
  std::istringstream in;
  auto body = ConfigureBody(Args({"--body", path}), in, MapEnv({}));
  std::remove(path);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)["migration_method"], "full_amount_migration");
}

TEST(ConfigureBodyTest, UnreadableOrNonObjectBodies) {
  std::istringstream not_object("[1,2]");
  EXPECT_EQ(ExitCodeOf(ReadJsonObject("-", not_object).status()), 2);
  std::istringstream secret(R"({"password": "leak-me")");
  auto broken = ReadJsonObject("-", secret);
  EXPECT_EQ(ExitCodeOf(broken.status()), 2);
  EXPECT_EQ(broken.status().message().find("leak-me"), absl::string_view::npos);
  std::istringstream in;
  EXPECT_EQ(ExitCodeOf(ReadJsonObject("/nonexistent/body.json", in).status()), 2);
}

TEST(VerifyBodyTest, ModesAndNumbers) {
  EXPECT_EQ(*VerifyBody(Args({})), Json::parse(R"({"mode":"full"})"));
  EXPECT_EQ(*VerifyBody(Args({"--sample-keys", "100", "--ttl-tolerance", "3"})),
            Json::parse(R"({"mode":"sample","sample_keys":100,"ttl_tolerance_s":3})"));
  EXPECT_EQ(*VerifyBody(Args({"--mode", "full", "--ttl-tolerance", "0"})),
            Json::parse(R"({"mode":"full","ttl_tolerance_s":0})"));
  EXPECT_EQ(ExitCodeOf(VerifyBody(Args({"--mode", "quick"})).status()), 2);
  EXPECT_EQ(ExitCodeOf(VerifyBody(Args({"--sample-keys", "0"})).status()), 2);
  EXPECT_EQ(ExitCodeOf(VerifyBody(Args({"--ttl-tolerance", "-1"})).status()), 2);
}

}  // namespace
}  // namespace rms::ctl
