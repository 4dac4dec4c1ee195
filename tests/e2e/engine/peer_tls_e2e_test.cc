// Engine e2e: full and incremental migrations from a TLS + ACL source to a TLS + ACL target,
// configured through REST with `username` and `tls` (our extension); DEBUG DIGEST of the target
// equals the source's, and task details echo the user and TLS settings but never a password.
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/engine_env.h"
#include "tests/support/client_certificates.h"

namespace rms::e2e {
namespace {

constexpr char kSourcePassword[] = "Source-Mover-Pa55-1";
constexpr char kTargetPassword[] = "Target-Mover-Pa55-2";

// Keys of several types in db 0 and db 3 (over the plain port, as the default user).
void Fill(test_support::RedisServer& server, const std::string& prefix) {
  auto filled = server.Cli({"EVAL",
                            "for i=1,5000 do "
                            "redis.call('SET', ARGV[1] .. ':s:' .. i, string.rep('v', i % 300)) "
                            "redis.call('HSET', ARGV[1] .. ':h:' .. (i % 50), 'f' .. i, i) "
                            "redis.call('RPUSH', ARGV[1] .. ':l:' .. (i % 20), i) end "
                            "redis.call('SELECT', 3) redis.call('SET', ARGV[1] .. ':db3', 'x') "
                            "return 1",
                            "0", prefix});
  ASSERT_TRUE(filled.ok()) << filled.status();
  ASSERT_EQ(*filled, "1");
}

class PeerTlsE2eTest : public EngineE2eTest {
 protected:
  // A redis-server with TLS on tls_port() (certificate of `name`'s CA) and the ACL user
  // `mover`; the default user keeps another password for the test's own redis-cli.
  std::unique_ptr<test_support::RedisServer> StartTlsRedis(const std::string& name,
                                                           const std::string& password) {
    auto cert = test_support::MakeServerCertificate(dir_->path(), name);
    EXPECT_TRUE(cert.ok()) << cert.status();
    if (!cert.ok()) return nullptr;
    cas_[name] = test_support::ReadPemFile(cert->ca_file);
    test_support::RedisServerOptions options;
    options.password = absl::StrCat("default-", password);
    options.tls_cert_file = cert->cert_file;
    options.tls_key_file = cert->key_file;
    options.tls_ca_file = cert->ca_file;
    options.extra_config = {absl::StrCat("user mover on >", password, " ~* &* +@all")};
    auto server = test_support::RedisServer::Start(options);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  // The instance body of `server`'s TLS port for the ACL user; `server_name` "" = the host.
  Json InstanceOf(const test_support::RedisServer& server, const std::string& name,
                  const std::string& password, const std::string& server_name) {
    Json tls{{"enabled", true}, {"ca_cert", cas_[name]}};
    if (!server_name.empty()) tls["server_name"] = server_name;
    return Json{{"addrs", absl::StrCat("127.0.0.1:", server.tls_port())},
                {"username", "mover"},
                {"password", password},
                {"tls", tls}};
  }

  // Starts the TLS source and target and fills the source with keys named `prefix...`.
  void StartPair(const std::string& prefix) {
    source_ = StartTlsRedis("source", kSourcePassword);
    target_ = StartTlsRedis("target", kTargetPassword);
    ASSERT_TRUE(source_ && target_);
    Fill(*source_, prefix);
  }

  // Configures a new task from source_ to target_ (the target checked by name: localhost).
  std::string Configure(const std::string& method) {
    return CreateAndConfigureBody(
        Json{{"migration_method", method},
             {"resume_mode", "auto"},
             {"source_instance", InstanceOf(*source_, "source", kSourcePassword, "")},
             {"target_instance", InstanceOf(*target_, "target", kTargetPassword, "localhost")}});
  }

  // StartPair(prefix), Configure(method), then waits until the task is `status`; the task id
  // ("" after a test failure).
  std::string MigrateUntil(const std::string& prefix, const std::string& method,
                           const std::string& status) {
    StartPair(prefix);
    if (HasFatalFailure()) return "";
    const std::string id = Configure(method);
    if (id.empty()) return "";
    Json task = WaitForStatus(id, {status, "MIGRATION_FAILED"}, absl::Minutes(3));
    EXPECT_EQ(task["status"], status) << Logs(id).dump();
    return task["status"] == status ? id : "";
  }

  std::unique_ptr<test_support::RedisServer> source_, target_;
  std::map<std::string, std::string> cas_;  // CA PEM by certificate name
};

TEST_F(PeerTlsE2eTest, FullMigrationOverTlsWithAclUsers) {
  const std::string id = MigrateUntil("full", "full_amount_migration", "SUCCESS");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(source_->Digest().value(), target_->Digest().value());
  EXPECT_NE(source_->Digest().value(), std::string(40, '0'));

  // Details echo the user and TLS settings, never a password.
  auto shown = rest_->Send("GET", P("/migration-task/" + id));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json["source_instance"]["username"], "mover") << shown.body;
  EXPECT_EQ(shown.json["source_instance"]["tls"]["enabled"], true) << shown.body;
  EXPECT_EQ(shown.json["source_instance"]["tls"]["ca_cert"], cas_["source"]);
  EXPECT_EQ(shown.json["target_instance"]["tls"]["server_name"], "localhost") << shown.body;
  EXPECT_EQ(shown.body.find(kSourcePassword), std::string::npos);
  EXPECT_EQ(shown.body.find(kTargetPassword), std::string::npos);
  EXPECT_EQ(server_->ReadLog().find(kSourcePassword), std::string::npos);
  EXPECT_EQ(server_->ReadLog().find(kTargetPassword), std::string::npos);
}

TEST_F(PeerTlsE2eTest, IncrementalMigrationOverTlsStreamsLaterWrites) {
  const std::string id = MigrateUntil("before", "incremental_migration", "INCRMIGEATING");
  ASSERT_FALSE(id.empty());
  Fill(*source_, "after");  // replicated over the TLS replication link
  ASSERT_TRUE(source_->Cli({"DEL", "before:s:7"}).ok());
  EXPECT_TRUE(WaitForEqualDigests(*source_, *target_, absl::Minutes(1)))
      << "source " << source_->Digest().value_or("?") << " target "
      << target_->Digest().value_or("?") << "\nlogs: " << Logs(id).dump();
  EXPECT_EQ(target_->Cli({"EXISTS", "after:s:4999"}).value_or(""), "1");
  // The stats probes (INFO keyspace on both sides) connect with the same TLS settings.
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        Json stats = Stats(id);
        return stats.value("source_dbsize", "0") != "0" && stats.value("target_dbsize", "0") != "0";
      },
      absl::Now() + absl::Seconds(30)))
      << Stats(id).dump();

  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/stop"));
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  Json task = WaitForStatus(id, {"TERMINATED"}, absl::Minutes(1));
  EXPECT_EQ(task["status"], "TERMINATED");
}

TEST_F(PeerTlsE2eTest, BadUserOrTlsFieldsAre400NamingTheField) {
  auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"tls-refused"})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string path = P("/migration/" + created.json["id"].get<std::string>() + "/task");
  const Json target{{"addrs", "127.0.0.1:6380"}};
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json{{"addrs", "127.0.0.1:6379"}, {"password", "p"}, {"username", "two words"}},
       "source_instance.username"},
      {Json{{"addrs", "127.0.0.1:6379"}, {"tls", {{"enabled", true}, {"ca_cert", "not pem"}}}},
       "source_instance.tls.ca_cert"},
      {Json{{"addrs", "127.0.0.1:6379"}, {"tls", {{"enabled", false}, {"server_name", "x"}}}},
       "source_instance.tls.enabled"},
      {Json{{"addrs", "127.0.0.1:6379"}, {"tls", {{"enabled", "yes"}}}},
       "source_instance.tls.enabled"}};
  for (const auto& [source, field] : cases) {
    Json body{{"migration_method", "full_amount_migration"},
              {"resume_mode", "auto"},
              {"source_instance", source},
              {"target_instance", target}};
    auto reply = rest_->Send("POST", path, body.dump());
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.json.value("error_code", ""), "DCS.4002") << reply.body;
    EXPECT_NE(reply.json.value("error_msg", "").find(field), std::string::npos)
        << field << ": " << reply.body;
  }
}

TEST_F(PeerTlsE2eTest, WrongCaFailsTheTaskNamingTheCertificate) {
  ASSERT_NO_FATAL_FAILURE(StartPair("wrong-ca"));
  cas_["source"] = cas_["target"];  // the source's certificate does not chain to this CA
  const std::string id = Configure("full_amount_migration");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(test_support::WaitFor(
      [&] { return Logs(id).dump().find("certificate does not verify") != std::string::npos; },
      absl::Now() + absl::Minutes(1)))
      << Logs(id).dump() << "\nmigrationd log:\n"
      << server_->ReadLog();
  EXPECT_EQ(Logs(id).dump().find(kSourcePassword), std::string::npos);
}

}  // namespace
}  // namespace rms::e2e
