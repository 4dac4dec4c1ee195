// The fixture of the e2e tests of cluster sources: clusters with a password, the shards' slot
// ranges, per-master link kills, the checks that every shard resumed on its own, and the
// writer's counters on either side.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/engine/cluster_client.h"
#include "tests/e2e/engine/cluster_load.h"
#include "tests/e2e/engine/online_env.h"
#include "tests/support/redis_cluster.h"

namespace rms::e2e {

inline constexpr char kSourcePassword[] = "cluster-source-secret";
inline constexpr char kTargetPassword[] = "cluster-source-target";

class ClusterSourceTest : public OnlineE2eTest {
 protected:
  // `masters` masters with `replicas` replicas each, requirepass/masterauth `password`; nullptr
  // with a test failure when it does not start.
  static std::unique_ptr<test_support::RedisCluster> StartCluster(int masters, int replicas,
                                                                  const std::string& password);
  // A routing client of `cluster`; nullptr with a test failure.
  static std::unique_ptr<ClusterClient> Connect(const test_support::RedisCluster& cluster,
                                                const std::string& password);
  // The slot ranges ("first-last") each master of the source cluster owns now, by the master's
  // address.
  static std::map<std::string, std::vector<std::string>> SlotRanges(
      const test_support::RedisCluster& source);
  // "127.0.0.1:<port>" of `node`.
  static std::string Address(const test_support::RedisServer& node);
  // Polls `compare` until it returns ""; "" or the last difference.
  static std::string WaitForEqual(const std::function<std::string()>& compare,
                                  absl::Duration timeout);

  // The messages of the task's log entries with `code`, oldest first.
  std::vector<std::string> LogMessages(const std::string& id, const std::string& code);
  // Kills the replication link of every master of `source` in turn (CLIENT KILL TYPE replica:
  // without replicas in the cluster, the worker's link is the only one), each time waiting for
  // one more PARTIAL_RESYNC of the task and for writes over the new link.
  void KillEachMasterLinkOnce(const std::string& id, const test_support::RedisCluster& source,
                              ClusterSourceWriter& writer);
  // No FULL_RESYNC; every shard of `source` logged a PARTIAL_RESYNC naming its slots; the stats
  // have one `shards` entry per master, each with its slots, reconnects >= 1, no full resync.
  void ExpectEachShardResumed(const std::string& id, const test_support::RedisCluster& source);
  // sync-stop, then the task ends TERMINATED.
  void StopAndExpectTerminated(const std::string& id);

  // The writer's counters ({t}:ctr, {t}:ctr2, {t}:txn and the length of {t}:list for every tag
  // of SpreadTags()) as one string, read through a cluster client or a standalone server.
  static std::string CountersOf(ClusterClient& cluster);
  static std::string CountersOf(const test_support::RedisServer& server);
};

}  // namespace rms::e2e
