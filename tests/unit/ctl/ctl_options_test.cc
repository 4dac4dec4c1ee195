// Unit tests of migrationctl's command line: flags over environment, endpoints, commands.
#include "services/ctl/ctl_options.h"

#include <gtest/gtest.h>

#include <map>

#include "services/ctl/exit_codes.h"
#include "services/ctl/migrationctl.h"
#include "tests/unit/ctl/fake_api.h"

namespace rms::ctl {
namespace {

using testing::MapEnv;

ParsedArgs Globals(const std::vector<std::string>& args) {
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(args, GlobalFlags());
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.value_or(ParsedArgs{});
}

TEST(CtlOptionsTest, EnvironmentFillsWhatFlagsLeaveOut) {
  auto options = ResolveConnection(Globals({}), MapEnv({{"RMS_ENDPOINT", "http://127.0.0.1:9000"},
                                                        {"RMS_PROJECT", "p-env"},
                                                        {"RMS_TOKEN", "tok-env"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->endpoint.host, "127.0.0.1");
  EXPECT_EQ(options->endpoint.port, 9000);
  EXPECT_EQ(options->project, "p-env");
  EXPECT_EQ(options->token, "tok-env");
}

TEST(CtlOptionsTest, FlagsOverrideEnvironment) {
  auto options = ResolveConnection(
      Globals({"--endpoint", "127.0.0.1:7000", "--project=p-flag", "--token", "tok-flag"}),
      MapEnv({{"RMS_ENDPOINT", "http://127.0.0.1:9000"},
              {"RMS_PROJECT", "p-env"},
              {"RMS_TOKEN", "tok-env"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->endpoint.port, 7000);
  EXPECT_EQ(options->endpoint.authority, "127.0.0.1:7000");
  EXPECT_EQ(options->project, "p-flag");
  EXPECT_EQ(options->token, "tok-flag");
}

TEST(CtlOptionsTest, DefaultEndpointIsMigrationdsDefault) {
  auto options = ResolveConnection(Globals({"--project", "p", "--token", "t"}), MapEnv({}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->endpoint.Url(), "http://127.0.0.1:8080");
}

TEST(CtlOptionsTest, AccessKeyWithSecretFromEnvironment) {
  auto options = ResolveConnection(Globals({"--project", "p"}),
                                   MapEnv({{"RMS_ACCESS_KEY", "AK1"}, {"RMS_SECRET_KEY", "SK1"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->access_key, "AK1");
  EXPECT_EQ(options->secret_key, "SK1");
  EXPECT_TRUE(options->token.empty());
}

TEST(CtlOptionsTest, SecretKeyEnvNamesTheVariable) {
  auto options = ResolveConnection(
      Globals({"--project", "p", "--access-key", "AK2", "--secret-key-env", "MY_SK"}),
      MapEnv({{"MY_SK", "SK2"}, {"RMS_SECRET_KEY", "ignored"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->secret_key, "SK2");
  auto unset = ResolveConnection(
      Globals({"--project", "p", "--access-key", "AK2", "--secret-key-env", "MY_SK"}), MapEnv({}));
  EXPECT_EQ(ExitCodeOf(unset.status()), 2);
  EXPECT_NE(unset.status().message().find("MY_SK"), absl::string_view::npos);
}

TEST(CtlOptionsTest, AFlagCredentialBeatsAnEnvironmentOne) {
  auto token_flag = ResolveConnection(Globals({"--project", "p", "--token", "t"}),
                                      MapEnv({{"RMS_ACCESS_KEY", "AK"}, {"RMS_SECRET_KEY", "SK"}}));
  ASSERT_TRUE(token_flag.ok()) << token_flag.status();
  EXPECT_EQ(token_flag->token, "t");
  auto ak_flag = ResolveConnection(Globals({"--project", "p", "--access-key", "AK"}),
                                   MapEnv({{"RMS_TOKEN", "t"}, {"RMS_SECRET_KEY", "SK"}}));
  ASSERT_TRUE(ak_flag.ok()) << ak_flag.status();
  EXPECT_EQ(ak_flag->access_key, "AK");
  EXPECT_TRUE(ak_flag->token.empty());
}

TEST(CtlOptionsTest, MissingOrAmbiguousSettingsAreUsageErrors) {
  EXPECT_EQ(ExitCodeOf(ResolveConnection(Globals({"--token", "t"}), MapEnv({})).status()), 2);
  EXPECT_EQ(ExitCodeOf(ResolveConnection(Globals({"--project", "p"}), MapEnv({})).status()), 2);
  EXPECT_EQ(
      ExitCodeOf(ResolveConnection(Globals({"--project", "p"}), MapEnv({{"RMS_TOKEN", "t"},
                                                                        {"RMS_ACCESS_KEY", "AK"},
                                                                        {"RMS_SECRET_KEY", "SK"}}))
                     .status()),
      2);
  EXPECT_EQ(
      ExitCodeOf(ResolveConnection(Globals({"--project", "p", "--access-key", "AK"}), MapEnv({}))
                     .status()),
      2);
}

TEST(CtlOptionsTest, ClientCertificateFromFlagsOrEnvironment) {
  auto flags = ResolveConnection(
      Globals({"--project", "p", "--token", "t", "--client-cert", "c.pem", "--client-key=k.pem"}),
      MapEnv({{"RMS_CLIENT_CERT", "env-c.pem"}}));
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->client_cert_file, "c.pem");
  EXPECT_EQ(flags->client_key_file, "k.pem");
  auto env = ResolveConnection(
      Globals({"--project", "p", "--token", "t"}),
      MapEnv({{"RMS_CLIENT_CERT", "env-c.pem"}, {"RMS_CLIENT_KEY", "env-k.pem"}}));
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->client_cert_file, "env-c.pem");
  EXPECT_EQ(env->client_key_file, "env-k.pem");
  auto none = ResolveConnection(Globals({"--project", "p", "--token", "t"}), MapEnv({}));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->client_cert_file.empty() && none->client_key_file.empty());
}

TEST(CtlOptionsTest, ClientCertificateWithoutKeyIsAUsageError) {
  auto cert_only = ResolveConnection(
      Globals({"--project", "p", "--token", "t", "--client-cert", "c.pem"}), MapEnv({}));
  EXPECT_EQ(ExitCodeOf(cert_only.status()), 2);
  EXPECT_NE(cert_only.status().message().find("--client-key"), absl::string_view::npos);
  auto key_only = ResolveConnection(Globals({"--project", "p", "--token", "t"}),
                                    MapEnv({{"RMS_CLIENT_KEY", "k"}}));
  EXPECT_EQ(ExitCodeOf(key_only.status()), 2);
}

TEST(CtlOptionsTest, Endpoints) {
  EXPECT_EQ(ParseEndpoint("http://127.0.0.1:8080/")->port, 8080);
  EXPECT_EQ(ParseEndpoint("http://127.0.0.1")->port, 80);
  EXPECT_EQ(ParseEndpoint("HTTP://127.0.0.1:81")->port, 81);
  auto v6 = ParseEndpoint("http://[::1]:8081");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority, "[::1]:8081");
  auto https = ParseEndpoint("https://127.0.0.1:8443");
  ASSERT_TRUE(https.ok()) << https.status();
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->Url(), "https://127.0.0.1:8443");
  EXPECT_EQ(ParseEndpoint("https://127.0.0.1")->port, 443);
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1")->tls);
  auto ftp = ParseEndpoint("ftp://127.0.0.1:21");
  EXPECT_EQ(ExitCodeOf(ftp.status()), 2);
  EXPECT_NE(ftp.status().message().find("only http:// and https://"), absl::string_view::npos);
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1:8080/api").ok());
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1:99999").ok());
  EXPECT_FALSE(ParseEndpoint("http://").ok());
}

TEST(InvocationTest, GlobalFlagsBeforeAndAfterTheCommand) {
  auto invocation = ParseInvocation(
      {"--project", "p", "logs", "task-1", "--json", "--level", "error", "--token=t"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->spec->name, "logs");
  EXPECT_EQ(invocation->args.positional, std::vector<std::string>{"task-1"});
  EXPECT_TRUE(invocation->args.Switch("--json"));
  EXPECT_EQ(invocation->args.Value("--level"), "error");
  EXPECT_EQ(invocation->args.Value("--project"), "p");
  EXPECT_EQ(invocation->args.Value("--token"), "t");
}

TEST(InvocationTest, InstancesTakeASubcommand) {
  auto invocation = ParseInvocation({"instances", "delete", "inst-1"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->spec->name, "instances delete");
  EXPECT_EQ(invocation->args.positional, std::vector<std::string>{"inst-1"});
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"instances"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"instances", "rename", "x"}).status()), 2);
}

TEST(InvocationTest, UsageErrors) {
  EXPECT_EQ(ExitCodeOf(ParseInvocation({}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"frobnicate"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"show"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"show", "a", "b"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"show", "a", "--bogus"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"logs", "a", "--limit"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"stop", "a", "--sync=yes"}).status()), 2);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"--bogus", "list"}).status()), 2);
  // A password flag does not exist: it would show in `ps`.
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"configure", "t", "--source-password", "x"}).status()), 2);
}

TEST(InvocationTest, HelpAnywhere) {
  EXPECT_TRUE(ParseInvocation({"--help"})->help);
  EXPECT_TRUE(ParseInvocation({"help"})->help);
  EXPECT_TRUE(ParseInvocation({"watch", "-h"})->help);
  EXPECT_TRUE(ParseInvocation({"show", "--help"})->help);
}

TEST(InvocationTest, RestartAndDeleteTakeSeveralTasks) {
  auto invocation = ParseInvocation({"restart", "a", "b", "c"});
  ASSERT_TRUE(invocation.ok());
  EXPECT_EQ(invocation->args.positional.size(), 3u);
  EXPECT_EQ(ExitCodeOf(ParseInvocation({"delete"}).status()), 2);
}

TEST(ArgParserTest, IntegersAndSeconds) {
  auto args = ParseArgs({"--limit", "12", "--interval", "0.5"}, {{"--limit", "--interval"}, {}});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(*IntFlag(*args, "--limit", 1, 100), absl::optional<int64_t>(12));
  EXPECT_EQ(ExitCodeOf(IntFlag(*args, "--limit", 1, 10).status()), 2);
  EXPECT_EQ(
      *SecondsFlag(*args, "--interval", absl::Seconds(1), absl::Milliseconds(50), absl::Hours(1)),
      absl::Milliseconds(500));
  EXPECT_EQ(
      *SecondsFlag(*args, "--absent", absl::Seconds(1), absl::Milliseconds(50), absl::Hours(1)),
      absl::Seconds(1));
  auto bad = ParseArgs({"--interval", "soon"}, {{"--interval"}, {}});
  EXPECT_EQ(ExitCodeOf(SecondsFlag(*bad, "--interval", absl::Seconds(1), absl::Milliseconds(50),
                                   absl::Hours(1))
                           .status()),
            2);
}

}  // namespace
}  // namespace rms::ctl
