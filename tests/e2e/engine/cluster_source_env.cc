// The fixture of the e2e tests of cluster sources.
#include "tests/e2e/engine/cluster_source_env.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/engine/cluster/slot.h"

namespace rms::e2e {
namespace {

// `get` (a command, GET or LLEN, and a key) of every counter of the writer, as one string.
std::string Counters(
    const std::function<std::string(const std::string&, const std::string&)>& get) {
  std::string out;
  for (const std::string& tag : SpreadTags()) {
    const std::string t = absl::StrCat("{", tag, "}");
    absl::StrAppend(&out, t, " ", get("GET", t + ":ctr"), "/", get("GET", t + ":ctr2"), "/",
                    get("GET", t + ":txn"), "/", get("LLEN", t + ":list"), "; ");
  }
  return out;
}

}  // namespace

std::unique_ptr<test_support::RedisCluster> ClusterSourceTest::StartCluster(
    int masters, int replicas, const std::string& password) {
  test_support::RedisClusterOptions options;
  options.masters = masters;
  options.replicas_per_master = replicas;
  options.password = password;
  options.extra_config = {"enable-debug-command local", "repl-diskless-sync-delay 0"};
  auto cluster = test_support::RedisCluster::Start(options);
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  return cluster.ok() ? *std::move(cluster) : nullptr;
}

std::unique_ptr<ClusterClient> ClusterSourceTest::Connect(const test_support::RedisCluster& cluster,
                                                          const std::string& password) {
  auto client = ClusterClient::Connect(cluster, password);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

std::map<std::string, std::vector<std::string>> ClusterSourceTest::SlotRanges(
    const test_support::RedisCluster& source) {
  std::map<std::string, std::vector<std::string>> ranges;
  std::unique_ptr<ClusterClient> client = Connect(source, kSourcePassword);
  if (client == nullptr) return ranges;
  const engine::cluster::SlotMap& slots = client->slots();
  int first = 0;
  for (int slot = 1; slot <= engine::cluster::kClusterSlots; ++slot) {
    if (slot < engine::cluster::kClusterSlots && slots.MasterOf(slot) == slots.MasterOf(first)) {
      continue;
    }
    ranges[slots.masters()[slots.MasterOf(first)].Address()].push_back(
        absl::StrCat(first, "-", slot - 1));
    first = slot;
  }
  return ranges;
}

std::string ClusterSourceTest::Address(const test_support::RedisServer& node) {
  return absl::StrCat("127.0.0.1:", node.port());
}

std::vector<std::string> ClusterSourceTest::LogMessages(const std::string& id,
                                                        const std::string& code) {
  std::vector<std::string> messages;
  const Json logs = Logs(id);
  if (!logs.contains("migration_logs")) return messages;
  for (const Json& entry : logs["migration_logs"]) {
    if (entry.value("log_code", "") == code) messages.push_back(entry.value("message", ""));
  }
  return messages;
}

std::string ClusterSourceTest::WaitForEqual(const std::function<std::string()>& compare,
                                            absl::Duration timeout) {
  std::string difference;
  test_support::WaitFor(
      [&] {
        difference = compare();
        return difference.empty();
      },
      absl::Now() + timeout);
  return difference;
}

void ClusterSourceTest::KillEachMasterLinkOnce(const std::string& id,
                                               const test_support::RedisCluster& source,
                                               ClusterSourceWriter& writer) {
  for (int node = 0; node < static_cast<int>(source.nodes().size()); ++node) {
    ASSERT_EQ(source.MasterOf(node).value_or(-1), node) << "node " << node << " is a replica";
    const int resumed_before = CountLogs(id, "PARTIAL_RESYNC");
    auto killed = source.nodes()[node]->Cli({"CLIENT", "KILL", "TYPE", "replica"});
    ASSERT_TRUE(killed.ok()) << killed.status();
    ASSERT_EQ(*killed, "1") << "master " << Address(*source.nodes()[node]);
    ASSERT_TRUE(
        test_support::WaitFor([&] { return CountLogs(id, "PARTIAL_RESYNC") > resumed_before; },
                              absl::Now() + absl::Seconds(15)))
        << "no PARTIAL_RESYNC after killing the link of " << Address(*source.nodes()[node]) << ": "
        << absl::StrJoin(LogCodes(id), ",");
    ASSERT_TRUE(writer.WaitForMoreRounds(20, absl::Seconds(20))) << writer.error();
  }
}

void ClusterSourceTest::ExpectEachShardResumed(const std::string& id,
                                               const test_support::RedisCluster& source) {
  EXPECT_EQ(CountLogs(id, "FULL_RESYNC"), 0) << absl::StrJoin(LogCodes(id), ",");
  const std::vector<std::string> resumed = LogMessages(id, "PARTIAL_RESYNC");
  const auto ranges = SlotRanges(source);
  for (const auto& [master, slots] : ranges) {
    const std::string shard = absl::StrJoin(slots, ",");
    EXPECT_TRUE(std::any_of(resumed.begin(), resumed.end(),
                            [&](const std::string& m) { return absl::StrContains(m, shard); }))
        << "no PARTIAL_RESYNC names shard " << shard << ": " << absl::StrJoin(resumed, " | ");
  }
  Json stats;
  EXPECT_TRUE(test_support::WaitFor(
      [&] {
        stats = Stats(id);
        if (!stats.contains("shards") || stats["shards"].size() != ranges.size()) return false;
        for (const Json& shard : stats["shards"]) {
          if (StatInt(shard, "reconnects") < 1) return false;
        }
        return true;
      },
      absl::Now() + absl::Seconds(10)))
      << stats.dump();
  std::set<std::string> shard_slots;
  for (const Json& shard : stats.value("shards", Json::array())) {
    shard_slots.insert(shard.value("slots", ""));
    EXPECT_EQ(StatInt(shard, "full_resyncs"), 0) << shard.dump();
  }
  for (const auto& [master, slots] : ranges) {
    EXPECT_EQ(shard_slots.count(absl::StrJoin(slots, ",")), 1u) << stats.dump();
  }
  EXPECT_GE(StatInt(stats, "reconnects"), static_cast<int64_t>(ranges.size())) << stats.dump();
}

void ClusterSourceTest::StopAndExpectTerminated(const std::string& id) {
  auto stopped = rest_->Send("POST", P("/migration-task/" + id + "/sync-stop"));
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30))["status"], "TERMINATED");
}

std::string ClusterSourceTest::CountersOf(ClusterClient& cluster) {
  return Counters([&](const std::string& command, const std::string& key) {
    auto reply = cluster.Command(key, {command, key});
    if (!reply.ok()) return reply.status().ToString();
    return command == "GET" ? reply->str : absl::StrCat(reply->integer);
  });
}
std::string ClusterSourceTest::CountersOf(const test_support::RedisServer& server) {
  return Counters([&](const std::string& command, const std::string& key) {
    return server.Cli({command, key}).value_or("?");
  });
}

}  // namespace rms::e2e
