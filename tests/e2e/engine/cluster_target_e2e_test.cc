// Engine e2e: migrations from a standalone source into a 3-master Redis Cluster target: the
// snapshot and the stream land on the master owning each key's slot, a killed replication link
// resumes by partial resync, counters end exact, keys outside db 0 fail with a clear error; and a
// cluster source with several masters copied master by master.
#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/engine/topology/topology.h"
#include "tests/e2e/engine/cluster_compare.h"
#include "tests/e2e/engine/online_env.h"
#include "tests/redis/cluster/cluster_writer_test_support.h"
#include "tests/support/client_certificates.h"
#include "tests/support/redis_cluster.h"

namespace rms::e2e {
namespace {

constexpr char kClusterPassword[] = "cluster-target-secret";

class ClusterTargetTest : public OnlineE2eTest {
 protected:
  static std::unique_ptr<test_support::RedisCluster> StartCluster() {
    test_support::RedisClusterOptions options;
    options.masters = 3;
    options.password = kClusterPassword;
    options.extra_config = {"enable-debug-command local"};
    auto cluster = test_support::RedisCluster::Start(options);
    EXPECT_TRUE(cluster.ok()) << cluster.status();
    return cluster.ok() ? *std::move(cluster) : nullptr;
  }

  // Every type, hash tags that put several keys in one slot, TTLs, one big list.
  static void FillMixed(const test_support::RedisServer& source) {
    auto client = engine::redis::RedisClient::Connect(EndpointOf(source));
    ASSERT_TRUE(client.ok()) << client.status();
    std::string pipeline;
    size_t commands = 0;
    auto add = [&](std::vector<std::string> args) {
      pipeline += engine::resp::EncodeCommand(args);
      ++commands;
    };
    for (int i = 0; i < 300; ++i) {
      const std::string n = absl::StrCat(i);
      add({"HSET", "hash:" + n, "a", n, "b", "x" + n});
      add({"RPUSH", "{user" + absl::StrCat(i % 17) + "}:list:" + n, "1", "2", n});
      add({"SADD", "set:" + n, "m1", "m2", n});
      add({"ZADD", "zset:" + n, "1", "a", "2.5", n});
      add({"SET", "{user" + absl::StrCat(i % 17) + "}:name:" + n, "value-" + n});
      add({"SET", "ttl:" + n, n, "PX", absl::StrCat(600000 + i)});
      add({"XADD", "stream:" + absl::StrCat(i % 10), "*", "field", n});
    }
    for (int g = 0; g < 10; ++g) {
      add({"XGROUP", "CREATE", "stream:" + absl::StrCat(g), "group", "0"});
    }
    for (int i = 0; i < 20000; ++i) add({"RPUSH", "big:list", absl::StrCat("element-", i)});
    auto replies = (*client)->Pipeline(pipeline, commands);
    ASSERT_TRUE(replies.ok()) << replies.status();
    for (const auto& reply : *replies) ASSERT_FALSE(reply.IsError()) << reply.str;
  }

  std::string ConfigureToCluster(const std::string& method, const test_support::RedisServer& source,
                                 const test_support::RedisCluster& cluster) {
    return CreateAndConfigureAddrs(method, "auto", AddrOf(source), source.password(),
                                   cluster.Addrs(), kClusterPassword);
  }

  // Polls until the cluster equals the source; "" or the last difference.
  std::string WaitForClusterEqual(const test_support::RedisServer& source,
                                  const test_support::RedisCluster& cluster,
                                  absl::Duration timeout) {
    std::string difference;
    test_support::WaitFor(
        [&] {
          difference = CompareWithCluster(source, cluster, kClusterPassword);
          return difference.empty();
        },
        absl::Now() + timeout);
    return difference;
  }
};

TEST_F(ClusterTargetTest, FullMigrationPutsEveryKeyOnTheMasterOfItsSlot) {
  auto source = test_support::RedisServer::Start(ServerOptions("cluster-full-source"));
  ASSERT_TRUE(source.ok()) << source.status();
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  Populate(**source, 20000);
  FillMixed(**source);

  const std::string id = ConfigureToCluster("full_amount_migration", **source, *cluster);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(120));
  ASSERT_EQ(task["status"], "SUCCESS") << Logs(id).dump();
  EXPECT_EQ(CompareWithCluster(**source, *cluster, kClusterPassword), "");
  // Every master received a share of the keys.
  for (int i = 0; i < 3; ++i) {
    auto size = cluster->nodes()[i]->Cli({"DBSIZE"});
    ASSERT_TRUE(size.ok()) << size.status();
    EXPECT_GT(std::stoll(*size), 5000) << "master " << i;
  }
  // The stats count the keys of every master.
  const int64_t source_keys = std::stoll((*source)->Cli({"DBSIZE"}).value_or("-1"));
  Json stats;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        stats = Stats(id);
        return StatInt(stats, "target_dbsize") == source_keys;
      },
      absl::Now() + absl::Seconds(15)))
      << source_keys << " keys on the source; stats " << stats.dump();
}

// Acceptance (issue 10, standalone -> cluster): a live writer of every type (INCR, LPUSH, a
// MULTI/EXEC across slots, streams...) through full and incremental migration with the
// replication link killed once: the target ends equal key by key, counters exact.
TEST_F(ClusterTargetTest, IncrementalWithALinkKillEndsEqualKeyByKey) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("cluster-inc-source", {"repl-diskless-sync-delay 0"}));
  ASSERT_TRUE(source.ok()) << source.status();
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  Populate(**source, 10000);
  FillMixed(**source);
  SourceWriterOptions load;
  load.use_db3 = false;  // a cluster has db 0 only
  SourceWriter writer(**source, load);
  ASSERT_TRUE(writer.Start().ok());

  const std::string id = ConfigureToCluster("incremental_migration", **source, *cluster);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(120));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << Logs(id).dump();
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(20))) << writer.error();

  auto killer = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(killer.ok()) << killer.status();
  auto killed = (*killer)->Command({"CLIENT", "KILL", "TYPE", "replica"});
  ASSERT_TRUE(killed.ok()) << killed.status();
  ASSERT_EQ(killed->integer, 1);
  EXPECT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "PARTIAL_RESYNC") > 0; },
                                    absl::Now() + absl::Seconds(20)))
      << absl::StrJoin(LogCodes(id), ",");
  ASSERT_TRUE(writer.WaitForMoreRounds(100, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  EXPECT_EQ(WaitForClusterEqual(**source, *cluster, absl::Seconds(60)), "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << server_->ReadLog();
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0);
  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30))["status"], "TERMINATED");
}

// Acceptance (issue 10): 1000 slots move between target masters (redis-cli --cluster reshard:
// SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE) while the task streams a live load into
// them: the worker follows ASK and MOVED; no key is lost, doubled or left on the old master.
TEST_F(ClusterTargetTest, SlotsReshardedOnTheTargetDuringIncrementalLoseAndMisplaceNothing) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("cluster-reshard-source", {"repl-diskless-sync-delay 0"}));
  ASSERT_TRUE(source.ok()) << source.status();
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  Populate(**source, 10000);
  SourceWriterOptions load;
  load.use_db3 = false;
  SourceWriter writer(**source, load);
  ASSERT_TRUE(writer.Start().ok());
  const std::string id = ConfigureToCluster("incremental_migration", **source, *cluster);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(120))["status"],
            "INCRMIGEATING");
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();

  auto from = cluster->nodes()[0]->Cli({"CLUSTER", "MYID"});
  auto to = cluster->nodes()[1]->Cli({"CLUSTER", "MYID"});
  ASSERT_TRUE(from.ok() && to.ok());
  const std::string keys_before = cluster->nodes()[1]->Cli({"DBSIZE"}).value_or("?");
  auto resharded = cluster->nodes()[0]->Cli(
      {"--cluster", "reshard", absl::StrCat("127.0.0.1:", cluster->nodes()[0]->port()),
       "--cluster-from", *from, "--cluster-to", *to, "--cluster-slots", "1000", "--cluster-yes"});
  ASSERT_TRUE(resharded.ok()) << resharded.status();
  ASSERT_TRUE(writer.WaitForMoreRounds(50, absl::Seconds(20))) << writer.error();
  ASSERT_TRUE(writer.Stop().ok()) << writer.error();

  EXPECT_EQ(WaitForClusterEqual(**source, *cluster, absl::Seconds(60)), "")
      << absl::StrJoin(LogCodes(id), ",") << "\n"
      << server_->ReadLog();
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(5));
  EXPECT_EQ(task["status"], "INCRMIGEATING");
  const std::string keys_after = cluster->nodes()[1]->Cli({"DBSIZE"}).value_or("?");
  std::cout << "master 1 held " << keys_before << " keys before the reshard, " << keys_after
            << " after\n";
  EXPECT_GT(std::stoll(keys_after), std::stoll(keys_before));  // the slots moved with their keys
}

// A backup file imported into a cluster target: every key on the master of its slot.
TEST_F(ClusterTargetTest, BackupImportPutsEveryKeyOnTheMasterOfItsSlot) {
  auto source = test_support::RedisServer::Start(ServerOptions("cluster-import-source"));
  ASSERT_TRUE(source.ok()) << source.status();
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  Populate(**source, 5000);
  FillMixed(**source);
  auto client = engine::redis::RedisClient::Connect(EndpointOf(**source));
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<std::string> rdb = test_cluster_writer::SaveRdb(**client);
  ASSERT_TRUE(rdb.ok()) << rdb.status();
  std::filesystem::copy_file(*rdb, import_dir() + "/cluster.rdb");

  Json body{{"task_name", "import-into-cluster"},
            {"migration_type", "backupfile_import"},
            {"migration_method", "full_amount_migration"},
            {"backup_files",
             {{"file_source", "self_build_obs"},
              {"files", Json::array({{{"file_name", "cluster.rdb"}}})}}},
            {"target_instance", {{"addrs", cluster->Addrs()}, {"password", kClusterPassword}}}};
  auto created = rest_->Send("POST", P("/migration-task"), body.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = created.json["id"];
  Json task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(120));
  ASSERT_EQ(task["status"], "SUCCESS") << Logs(id).dump();
  EXPECT_EQ(CompareWithCluster(**source, *cluster, kClusterPassword), "");
}

// Acceptance (issue 10, 4): a cluster target reached over TLS as an ACL user, given by one node's
// TLS port: the worker discovers the masters' TLS ports and writes every key there.
TEST_F(ClusterTargetTest, TlsClusterTargetWithAnAclUserThroughTheWorker) {
  auto dir = test_support::TempDir::Create("rms-cluster-tls-e2e");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto cert = test_support::MakeServerCertificate((*dir)->path(), "cluster");
  ASSERT_TRUE(cert.ok()) << cert.status();
  auto source = test_support::RedisServer::Start(
      ServerOptions("cluster-tls-source", {"repl-diskless-sync-delay 0"}));
  ASSERT_TRUE(source.ok()) << source.status();
  test_support::RedisClusterOptions options;
  options.password = kClusterPassword;  // the default user's, for the checks below
  options.extra_config = {"user mover on >mover-Pa55 ~* &* +@all"};
  options.tls_cert_file = cert->cert_file;
  options.tls_key_file = cert->key_file;
  options.tls_ca_file = cert->ca_file;
  auto cluster = test_support::RedisCluster::Start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Populate(**source, 3000);
  FillMixed(**source);

  Json body{
      {"migration_method", "incremental_migration"},
      {"resume_mode", "auto"},
      {"source_instance", {{"addrs", AddrOf(**source)}, {"password", (*source)->password()}}},
      {"target_instance",
       {{"addrs", absl::StrCat("127.0.0.1:", (*cluster)->nodes()[1]->tls_port())},
        {"username", "mover"},
        {"password", "mover-Pa55"},
        {"tls", {{"enabled", true}, {"ca_cert", test_support::ReadPemFile(cert->ca_file)}}}}}};
  const std::string id = CreateAndConfigureBody(body);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(120))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE((*source)->Cli({"INCR", absl::StrCat("counter:", i % 20)}).ok());
  }
  EXPECT_EQ(WaitForClusterEqual(**source, **cluster, absl::Seconds(60)), "") << Logs(id).dump();
  // The worker's applier connections are the ACL user's, one on each master.
  for (int i = 0; i < 3; ++i) {
    auto clients = (*cluster)->nodes()[i]->Cli({"CLIENT", "LIST"});
    ASSERT_TRUE(clients.ok()) << clients.status();
    EXPECT_NE(clients->find(absl::StrCat("name=rms:", id, ":1 ")), std::string::npos) << *clients;
    EXPECT_NE(clients->find("user=mover"), std::string::npos) << *clients;
  }
}

// Without a db_mapping, keys outside db 0 cannot go into a cluster: refused at configure when the
// source holds them already (400 naming the db), a task failure naming it when they come later.
TEST_F(ClusterTargetTest, SourceKeysOutsideDbZeroAreRefusedOrFailWithTheDbNamed) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("cluster-db-source", {"repl-diskless-sync-delay 0"}));
  ASSERT_TRUE(source.ok()) << source.status();
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  ASSERT_TRUE((*source)->Cli({"SET", "in-db0", "x"}).ok());
  ASSERT_TRUE((*source)->Cli({"-n", "2", "SET", "in-db2", "y"}).ok());

  auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"db-task"})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = created.json["id"];
  Json body{{"migration_method", "incremental_migration"},
            {"resume_mode", "auto"},
            {"source_instance", {{"addrs", AddrOf(**source)}, {"password", (*source)->password()}}},
            {"target_instance", {{"addrs", cluster->Addrs()}, {"password", kClusterPassword}}}};
  auto refused = rest_->Send("POST", P("/migration/" + id + "/task"), body.dump());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.json.value("error_code", ""), "DCS.4002") << refused.body;
  EXPECT_NE(refused.body.find("db 2"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("db_mapping"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find((*source)->password()), std::string::npos);

  // Once db 2 is empty the configuration is taken; a key written there later fails the task.
  ASSERT_TRUE((*source)->Cli({"-n", "2", "FLUSHDB"}).ok());
  auto configured = rest_->Send("POST", P("/migration/" + id + "/task"), body.dump());
  ASSERT_EQ(configured.status, 200) << configured.body;
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "INCRMIGEATING")
      << Logs(id).dump();
  ASSERT_TRUE((*source)->Cli({"-n", "2", "SET", "late-db2", "y"}).ok());
  EXPECT_EQ(WaitForStatus(id, {"MIGRATION_FAILED"}, absl::Seconds(60))["status"],
            "MIGRATION_FAILED");
  const std::string logs = Logs(id).dump();
  EXPECT_NE(logs.find("db 2"), std::string::npos) << logs;
}

// db_mapping (ours) {"2": 0, "5": 0}: db 2's and db 5's keys land in the cluster's db 0, in the
// snapshot and in the stream (SELECT 2 / SELECT 5 become SELECT 0).
TEST_F(ClusterTargetTest, ADbMappingMergesSourceDatabasesIntoDbZero) {
  auto source = test_support::RedisServer::Start(
      ServerOptions("cluster-dbmap-source", {"repl-diskless-sync-delay 0"}));
  ASSERT_TRUE(source.ok()) << source.status();
  std::unique_ptr<test_support::RedisCluster> cluster = StartCluster();
  ASSERT_NE(cluster, nullptr);
  ASSERT_TRUE((*source)->Cli({"SET", "in-db0", "x"}).ok());
  ASSERT_TRUE((*source)->Cli({"-n", "2", "SET", "in-db2", "y"}).ok());
  ASSERT_TRUE((*source)->Cli({"-n", "5", "RPUSH", "list-db5", "a", "b"}).ok());

  Json body{{"migration_method", "incremental_migration"},
            {"resume_mode", "auto"},
            {"db_mapping", {{"2", 0}, {"5", 0}}},
            {"source_instance", {{"addrs", AddrOf(**source)}, {"password", (*source)->password()}}},
            {"target_instance", {{"addrs", cluster->Addrs()}, {"password", kClusterPassword}}}};
  const std::string id = CreateAndConfigureBody(body);
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << Logs(id).dump();
  ASSERT_TRUE((*source)->Cli({"-n", "2", "INCRBY", "late-db2", "7"}).ok());
  ASSERT_TRUE((*source)->Cli({"-n", "5", "LPUSH", "list-db5", "c"}).ok());
  ASSERT_TRUE((*source)->Cli({"SET", "late-db0", "z"}).ok());
  auto read = [&](const std::vector<std::string>& args) {
    return cluster->Cli(args).value_or("?");
  };
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        return read({"GET", "late-db0"}) == "z" && read({"GET", "late-db2"}) == "7";
      },
      absl::Now() + absl::Seconds(20)))
      << Logs(id).dump();
  EXPECT_EQ(read({"GET", "in-db0"}), "x");
  EXPECT_EQ(read({"GET", "in-db2"}), "y");
  EXPECT_EQ(read({"LRANGE", "list-db5", "0", "-1"}), "c\na\nb");
  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30))["status"], "TERMINATED");
}

TEST_F(ClusterTargetTest, ASourceClusterWithSeveralMastersIsCopiedMasterByMaster) {
  std::unique_ptr<test_support::RedisCluster> source_cluster = StartCluster();
  ASSERT_NE(source_cluster, nullptr);
  auto target = test_support::RedisServer::Start(ServerOptions("cluster-src-target"));
  ASSERT_TRUE(target.ok()) << target.status();
  constexpr int kKeys = 30;  // spread over the three masters' slots
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(source_cluster->Cli({"SET", absl::StrCat("key:", i), absl::StrCat("v", i)}).ok());
  }

  const std::string id =
      CreateAndConfigureAddrs("full_amount_migration", "auto", source_cluster->Addrs(),
                              kClusterPassword, AddrOf(**target), (*target)->password());
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "SUCCESS") << Logs(id).dump();
  EXPECT_EQ(CountLogs(id, "SOURCE_SHARDS"), 1) << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_SYNC_DONE"), 3) << absl::StrJoin(LogCodes(id), ",");
  const std::string logs = Logs(id).dump();
  EXPECT_NE(logs.find("3 masters"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(kClusterPassword), std::string::npos);
  EXPECT_EQ((*target)->Cli({"DBSIZE"}).value_or("?"), absl::StrCat(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    EXPECT_EQ((*target)->Cli({"GET", absl::StrCat("key:", i)}).value_or("?"), absl::StrCat("v", i));
  }
}

// INCR counters on every master of a cluster source, one link killed per master, then equal
// counters on a standalone target: no write lost or doubled across the three shards.
TEST_F(ClusterTargetTest, ClusterSourceCountersStayExactThroughALinkKillPerMaster) {
  test_support::RedisClusterOptions options;
  options.masters = 3;
  options.password = kClusterPassword;
  options.extra_config = {"repl-diskless-sync-delay 0"};
  auto source_cluster = test_support::RedisCluster::Start(options);
  ASSERT_TRUE(source_cluster.ok()) << source_cluster.status();
  auto target = test_support::RedisServer::Start(ServerOptions("cluster-src-inc-target"));
  ASSERT_TRUE(target.ok()) << target.status();
  std::vector<engine::redis::Endpoint> masters;
  for (int i = 0; i < 3; ++i) {
    engine::redis::Endpoint master = EndpointOf(*(*source_cluster)->nodes()[i]);
    master.password = kClusterPassword;
    masters.push_back(master);
  }
  auto topology = engine::topology::DiscoverTopology({masters[0]});
  ASSERT_TRUE(topology.ok() && topology->cluster) << topology.status();
  std::vector<std::unique_ptr<engine::redis::RedisClient>> clients;
  for (const auto& node : topology->slots->masters()) {
    engine::redis::Endpoint endpoint = masters[0];
    endpoint.port = node.port;
    auto client = engine::redis::RedisClient::Connect(endpoint);
    ASSERT_TRUE(client.ok()) << client.status();
    clients.push_back(*std::move(client));
  }
  constexpr int kCounters = 60;
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0};
  std::string write_error;
  std::thread writer([&] {
    while (!stop) {
      for (int k = 0; k < kCounters; ++k) {
        const std::string key = absl::StrCat("counter:", k);
        auto& client = clients[topology->slots->MasterOfKey(key)];
        auto reply = client->Command({"INCR", key});
        if (!reply.ok() || reply->IsError()) {
          write_error = reply.ok() ? reply->str : std::string(reply.status().message());
          return;
        }
      }
      ++rounds;
    }
  });
  auto wait_rounds = [&](int more) {
    const int until = rounds + more;
    return test_support::WaitFor([&] { return rounds >= until || !write_error.empty(); },
                                 absl::Now() + absl::Seconds(20)) &&
           write_error.empty();
  };
  ASSERT_TRUE(wait_rounds(20)) << write_error;
  const std::string id =
      CreateAndConfigureAddrs("incremental_migration", "auto", (*source_cluster)->Addrs(),
                              kClusterPassword, AddrOf(**target), (*target)->password());
  ASSERT_FALSE(id.empty());
  Json task = WaitForStatus(id, {"INCRMIGEATING", "MIGRATION_FAILED"}, absl::Seconds(60));
  ASSERT_EQ(task["status"], "INCRMIGEATING") << Logs(id).dump();
  ASSERT_TRUE(wait_rounds(20)) << write_error;
  for (int i = 0; i < 3; ++i) {
    auto killer = engine::redis::RedisClient::Connect(masters[i]);
    ASSERT_TRUE(killer.ok()) << killer.status();
    auto killed = (*killer)->Command({"CLIENT", "KILL", "TYPE", "replica"});
    ASSERT_TRUE(killed.ok()) << killed.status();
    EXPECT_EQ(killed->integer, 1);
    ASSERT_TRUE(wait_rounds(10)) << write_error;
  }
  EXPECT_TRUE(test_support::WaitFor([&] { return CountLogs(id, "PARTIAL_RESYNC") >= 3; },
                                    absl::Now() + absl::Seconds(30)))
      << absl::StrJoin(LogCodes(id), ",");
  ASSERT_TRUE(wait_rounds(20)) << write_error;
  stop = true;
  writer.join();
  std::string difference;
  test_support::WaitFor(
      [&] {
        difference.clear();
        for (int k = 0; k < kCounters && difference.empty(); ++k) {
          const std::string key = absl::StrCat("counter:", k);
          auto want = clients[topology->slots->MasterOfKey(key)]->Command({"GET", key});
          const std::string got = (*target)->Cli({"GET", key}).value_or("?");
          if (!want.ok() || want->str != got) {
            difference =
                absl::StrCat(key, ": source ", want.ok() ? want->str : "?", ", target ", got);
          }
        }
        return difference.empty();
      },
      absl::Now() + absl::Seconds(30));
  EXPECT_EQ(difference, "") << absl::StrJoin(LogCodes(id), ",");
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0);
  Json stats = Stats(id);
  ASSERT_TRUE(stats.contains("shards")) << stats.dump();
  EXPECT_EQ(stats["shards"].size(), 3u) << stats.dump();
  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30))["status"], "TERMINATED");
}

}  // namespace
}  // namespace rms::e2e
