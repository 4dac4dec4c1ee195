// Data and live writes for the e2e tests of cluster sources: a mixed dataset written through a
// ClusterClient, and a writer thread that keeps changing the cluster, following failovers and
// slot moves.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "tests/e2e/engine/cluster_client.h"
#include "tests/support/redis_cluster.h"

namespace rms::e2e {

// Hash tags ("t<n>") such that each 1/24 of the slot space holds one: every master of a cluster
// of 3 or 4 masters made by redis-cli owns several.
std::vector<std::string> SpreadTags();
// The first tag "t<n>" whose slot is in [first, last].
std::string TagInSlots(int first, int last);

// Every type, hash tags that put several keys in one slot, TTLs, streams with a consumer group,
// one big list, and `strings` plain strings of 100 bytes; each key on the master of its slot.
absl::Status FillMixed(ClusterClient& client, int strings);

struct ClusterLoadOptions {
  std::vector<std::string> tags;  // the hash tags of the writer's keys; empty: SpreadTags()
  // Pacing after every round (not synchronisation): keeps the rate modest.
  absl::Duration pause = absl::Milliseconds(5);
  // false: only single-key INCR and LPUSH (keys a slot migration may split).
  bool multi_key = true;
};

// A thread writing through its own ClusterClient until Stop(). A round on tag t: INCR {t}:ctr,
// LPUSH {t}:list, MSET {t}:a {t}:b, DEL {t}:b (every 5th round), MULTI INCR {t}:txn HSET
// {t}:txnhash SADD {t}:txnset EXEC, XADD {t}:stream (which has a consumer group). Transient
// cluster errors are retried (ClusterClient); a command that still fails stops the writer and
// is kept in error(). A retried write may have run twice: compare the target with the source,
// not with the writer's counts.
class ClusterSourceWriter {
 public:
  ClusterSourceWriter(const test_support::RedisCluster& cluster, std::string password,
                      ClusterLoadOptions options = {});
  ~ClusterSourceWriter();

  // Connects, creates the streams' consumer groups and starts the thread.
  absl::Status Start();
  // Stops and joins the thread (idempotent). Returns error().
  absl::Status Stop();
  uint64_t rounds() const { return rounds_.load(); }
  // Writes the cluster acknowledged (a transaction counts once).
  uint64_t acknowledged() const { return acknowledged_.load(); }
  int64_t retries() const { return retries_.load(); }
  absl::Status error() const;
  // Polls until `more` rounds after the current count are done; false after `timeout` or when
  // the writer failed.
  bool WaitForMoreRounds(uint64_t more, absl::Duration timeout) const;

 private:
  void Loop();
  absl::Status Round(uint64_t round);
  absl::Status Write(const std::string& key, const std::vector<std::string>& args);

  const test_support::RedisCluster& cluster_;
  std::string password_;
  ClusterLoadOptions options_;
  std::unique_ptr<ClusterClient> client_;
  std::thread thread_;
  absl::Notification stop_;
  std::atomic<uint64_t> rounds_{0};
  std::atomic<uint64_t> acknowledged_{0};
  std::atomic<int64_t> retries_{0};
  mutable absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::e2e
