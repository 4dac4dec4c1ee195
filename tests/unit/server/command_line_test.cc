// Unit tests of the migrationd command line.
#include "services/server/command_line.h"

#include <gtest/gtest.h>

#include <fstream>

#include "services/server/snapshot_threads.h"

namespace rms::server {
namespace {

TEST(CommandLineTest, DefaultsMatchTheReadme) {
  auto command = ParseCommandLine({});
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->kind, Command::Kind::kServe);
  EXPECT_EQ(command->serve.http_listen, "127.0.0.1:8080");
  EXPECT_EQ(command->serve.grpc_listen, "127.0.0.1:9090");
  EXPECT_EQ(command->serve.metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(command->serve.database.data_dir, "./var");
  EXPECT_TRUE(command->serve.api_role && command->serve.worker_role);
  EXPECT_EQ(command->serve.http_max_connections, 256);
  EXPECT_TRUE(command->serve.tls_cert_file.empty() && command->serve.tls_key_file.empty());
  EXPECT_TRUE(command->serve.tls_client_ca_file.empty());
}

TEST(CommandLineTest, SnapshotThreadsAreAutoOneOrTwo) {
  auto fallback = ParseCommandLine({});
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->serve.snapshot_threads, 0);  // auto
  auto one = ParseCommandLine({"--snapshot-threads", "1"});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->serve.snapshot_threads, 1);
  auto automatic = ParseCommandLine({"--snapshot-threads=auto"});
  ASSERT_TRUE(automatic.ok()) << automatic.status();
  EXPECT_EQ(automatic->serve.snapshot_threads, 0);
  for (const char* bad : {"0", "3", "two", ""}) {
    auto refused = ParseCommandLine({"--snapshot-threads", bad});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("--snapshot-threads"), absl::string_view::npos);
  }
}

TEST(SnapshotThreadsTest, AutoTakesTwoWithFourCpusOrMore) {
  EXPECT_EQ(SnapshotThreads(1), 1);
  EXPECT_EQ(SnapshotThreads(2), 2);
  EXPECT_GE(CpusAvailable(), 1);
  EXPECT_EQ(SnapshotThreads(0), CpusAvailable() >= 4 ? 2 : 1);
}

TEST(CommandLineTest, TlsFilesGoTogether) {
  auto both = ParseCommandLine(
      {"--tls-cert-file", "c.pem", "--tls-key-file=k.pem", "--http-max-connections", "8"});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->serve.tls_cert_file, "c.pem");
  EXPECT_EQ(both->serve.tls_key_file, "k.pem");
  EXPECT_EQ(both->serve.http_max_connections, 8);
  auto cert_only = ParseCommandLine({"--tls-cert-file", "c.pem"});
  ASSERT_FALSE(cert_only.ok());
  EXPECT_NE(cert_only.status().message().find("--tls-key-file"), absl::string_view::npos);
  EXPECT_FALSE(ParseCommandLine({"--tls-key-file", "k.pem"}).ok());
  EXPECT_FALSE(ParseCommandLine({"--http-max-connections", "0"}).ok());
}

TEST(CommandLineTest, ShortTlsSpellingsMeanTheSame) {
  auto both = ParseCommandLine({"--tls-cert", "c.pem", "--tls-key", "k.pem"});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->serve.tls_cert_file, "c.pem");
  EXPECT_EQ(both->serve.tls_key_file, "k.pem");
}

TEST(CommandLineTest, ClientCaTurnsOnMutualTls) {
  auto mutual = ParseCommandLine(
      {"--tls-cert", "c.pem", "--tls-key-file", "k.pem", "--tls-client-ca=clients.pem"});
  ASSERT_TRUE(mutual.ok()) << mutual.status();
  EXPECT_EQ(mutual->serve.tls_client_ca_file, "clients.pem");
  EXPECT_EQ(mutual->serve.tls_cert_file, "c.pem");
}

TEST(CommandLineTest, ClientCaWithoutServerCertificateIsAnError) {
  auto alone = ParseCommandLine({"--tls-client-ca", "clients.pem"});
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(alone.status().message().find("--tls-client-ca"), absl::string_view::npos);
  EXPECT_NE(alone.status().message().find("--tls-cert-file"), absl::string_view::npos);
  EXPECT_FALSE(ParseCommandLine({"--tls-client-ca"}).ok());  // no value
}

TEST(CommandLineTest, UsageNamesTheClientCaFlag) {
  EXPECT_NE(std::string(Usage()).find("--tls-client-ca PEM"), std::string::npos);
}

TEST(CommandLineTest, DatabaseUrlFromAFile) {
  const std::string path = ::testing::TempDir() + "/database-url";
  {
    std::ofstream out(path);
    out << "  postgresql://rms:secret@127.0.0.1:5432/rms  \nignored second line\n";
  }
  auto command = ParseCommandLine({"--database-url-file", path}, "postgresql://from-env/x");
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->serve.database.database_url, "postgresql://rms:secret@127.0.0.1:5432/rms");
  auto credentials =
      ParseCommandLine({"credentials", "list", "--project", "p", "--database-url-file", path});
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(credentials->credentials.database.database_url,
            "postgresql://rms:secret@127.0.0.1:5432/rms");
  { std::ofstream(path) << "   \n"; }
  auto empty = ParseCommandLine({"--database-url-file", path});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty"), absl::string_view::npos);
  auto missing = ParseCommandLine({"--database-url-file", path + ".missing"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().find("secret"), absl::string_view::npos);
}

TEST(CommandLineTest, ParsesBothFlagForms) {
  auto command = ParseCommandLine({"--data-dir=/d", "--database-url", "postgresql://x/y", "--roles",
                                   "worker", "--workers=4", "--http-listen", "[::1]:0"});
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->serve.database.data_dir, "/d");
  EXPECT_EQ(command->serve.database.database_url, "postgresql://x/y");
  EXPECT_FALSE(command->serve.api_role);
  EXPECT_TRUE(command->serve.worker_role);
  EXPECT_EQ(command->serve.workers, 4);
}

TEST(CommandLineTest, DatabaseUrlFromTheEnvironmentUnlessTheFlagIsGiven) {
  auto from_env = ParseCommandLine({}, "postgresql://env/db");
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->serve.database.database_url, "postgresql://env/db");
  auto flag_wins =
      ParseCommandLine({"--database-url", "postgresql://flag/db"}, "postgresql://env/db");
  ASSERT_TRUE(flag_wins.ok());
  EXPECT_EQ(flag_wins->serve.database.database_url, "postgresql://flag/db");
  auto credentials =
      ParseCommandLine({"credentials", "create", "--project", "p"}, "postgresql://e/d");
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->credentials.database.database_url, "postgresql://e/d");
}

TEST(CommandLineTest, CredentialsCommand) {
  auto command = ParseCommandLine({"credentials", "create", "--project", "p1", "--aksk"});
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->kind, Command::Kind::kCreateCredentials);
  EXPECT_EQ(command->credentials.project_id, "p1");
  EXPECT_TRUE(command->credentials.aksk);
  EXPECT_FALSE(ParseCommandLine({"credentials", "create"}).ok());
  EXPECT_FALSE(ParseCommandLine({"credentials", "delete", "--project", "p"}).ok());
}

TEST(CommandLineTest, CredentialsListAndRevoke) {
  auto list = ParseCommandLine({"credentials", "list", "--project", "p1"});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->kind, Command::Kind::kListCredentials);
  EXPECT_EQ(list->credentials.project_id, "p1");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"credentials", "revoke", "--project", "p1", "c0ffee"},
        {"credentials", "revoke", "c0ffee", "--project=p1"},
        {"credentials", "revoke", "--data-dir", "/d", "c0ffee", "--project", "p1"}}) {
    auto revoke = ParseCommandLine(args);
    ASSERT_TRUE(revoke.ok()) << revoke.status();
    EXPECT_EQ(revoke->kind, Command::Kind::kRevokeCredentials);
    EXPECT_EQ(revoke->credentials.credential_id, "c0ffee");
    EXPECT_EQ(revoke->credentials.project_id, "p1");
  }
  EXPECT_FALSE(ParseCommandLine({"credentials", "revoke", "--project", "p1"}).ok());
  EXPECT_FALSE(ParseCommandLine({"credentials", "revoke", "--project", "p1", "a", "b"}).ok());
  EXPECT_FALSE(ParseCommandLine({"credentials", "list"}).ok());
  EXPECT_FALSE(ParseCommandLine({"credentials", "list", "--project", "p1", "--aksk"}).ok());
}

TEST(CommandLineTest, ExpiresInIsParsedStrictly) {
  auto none = ParseCommandLine({"credentials", "create", "--project", "p1"});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->credentials.expires_in, absl::InfiniteDuration());
  const std::vector<std::pair<std::string, absl::Duration>> good = {
      {"30m", absl::Minutes(30)},
      {"12h", absl::Hours(12)},
      {"90d", absl::Hours(90 * 24)},
      {"45s", absl::Seconds(45)},
      {"3650d", absl::Hours(3650 * 24)}};
  for (const auto& [text, duration] : good) {
    auto command =
        ParseCommandLine({"credentials", "create", "--project", "p1", "--expires-in", text});
    ASSERT_TRUE(command.ok()) << text << ": " << command.status();
    EXPECT_EQ(command->credentials.expires_in, duration) << text;
  }
  for (const char* bad : {"", "0m", "05m", "1.5h", "10", "h", "-1h", "+1h", "1h30m", "3651d", "12H",
                          " 1h", "1h ", "1w", "99999999999d"}) {
    auto command =
        ParseCommandLine({"credentials", "create", "--project", "p1", "--expires-in", bad});
    ASSERT_FALSE(command.ok()) << "'" << bad << "'";
    EXPECT_NE(command.status().message().find("--expires-in needs"), absl::string_view::npos)
        << command.status();
  }
}

TEST(CommandLineTest, MaxRunningPerProject) {
  auto defaults = ParseCommandLine({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->serve.max_running_per_project, 0);
  auto capped = ParseCommandLine({"--max-running-per-project", "3"});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->serve.max_running_per_project, 3);
  EXPECT_FALSE(ParseCommandLine({"--max-running-per-project", "-1"}).ok());
}

TEST(CommandLineTest, RejectsBadFlagsWithTheirNames) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--bogus"},
                                        {"--workers", "x"},
                                        {"--roles", "api,cook"},
                                        {"--http-listen", "8080"},
                                        {"--grpc-listen", "h:70000"},
                                        {"--data-dir"}}) {
    auto command = ParseCommandLine(args);
    ASSERT_FALSE(command.ok()) << args[0];
    EXPECT_NE(command.status().message().find(args[0]), absl::string_view::npos)
        << command.status();
  }
}

}  // namespace
}  // namespace rms::server
