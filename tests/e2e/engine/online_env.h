// Shared parts of the online (incremental) engine e2e tests: a background writer that keeps
// changing the source over its own connection, and a fixture with log/stats helpers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"
#include "tests/e2e/engine/engine_env.h"

namespace rms::e2e {

// What a SourceWriter round writes.
enum class Workload {
  // Every kind of write: SELECT 0/3 (alternating rounds), INCR, LPUSH+LTRIM, EXPIRE, HSET, SADD,
  // ZADD, XADD (exact MAXLEN), SETEX, DEL and a MULTI/EXEC block.
  kEveryType,
  // Only writes that give the same result when a batch is applied twice (SET/HSET/SADD/ZADD/DEL
  // with fixed values), all in db 0.
  kIdempotent,
};

struct SourceWriterOptions {
  Workload workload = Workload::kEveryType;
  // The writer pauses this long after every round (~16 commands), so it stays well below what
  // a 1 MB replication backlog holds during a reconnect.
  absl::Duration pause = absl::Milliseconds(5);
  // kEveryType only: alternate rounds in db 0 and db 3 (false: every round in db 0, and no
  // SELECT at all).
  bool use_db3 = true;
};

// A thread writing to the source through its own RedisClient until Stop(). Any error reply or
// lost connection stops it and is kept in error().
class SourceWriter {
 public:
  SourceWriter(const test_support::RedisServer& source, SourceWriterOptions options = {});
  ~SourceWriter();

  // Connects and starts the thread.
  absl::Status Start();
  // Stops and joins the thread (idempotent). Returns error().
  absl::Status Stop();
  uint64_t rounds() const { return rounds_.load(); }
  uint64_t commands() const { return commands_.load(); }
  absl::Status error() const;
  // Polls until `more` rounds after the current count are done; false after `timeout` or when
  // the writer failed.
  bool WaitForMoreRounds(uint64_t more, absl::Duration timeout) const;

 private:
  void Loop();
  absl::Status Round(uint64_t round);
  // Sends each command and reads its reply; stops at the first error (an error reply included).
  absl::Status SendAll(const std::vector<std::vector<std::string>>& commands);

  engine::redis::Endpoint endpoint_;
  SourceWriterOptions options_;
  std::unique_ptr<engine::redis::RedisClient> client_;
  std::thread thread_;
  absl::Notification stop_;
  std::atomic<uint64_t> rounds_{0};
  std::atomic<uint64_t> commands_{0};
  mutable absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

// Options of a test redis-server: requirepass `password` plus config lines.
test_support::RedisServerOptions ServerOptions(std::string password,
                                               std::vector<std::string> extra_config = {});

// An endpoint for RedisClient on a test server.
engine::redis::Endpoint EndpointOf(const test_support::RedisServer& server);

// A field of `INFO replication` of `server` as an integer (-1 when missing).
int64_t ReplicationInfo(const test_support::RedisServer& server, const std::string& field);

class OnlineE2eTest : public EngineE2eTest {
 protected:
  // The log codes of the task, oldest first (up to 1000 entries).
  std::vector<std::string> LogCodes(const std::string& task_id);
  int CountLogs(const std::string& task_id, const std::string& code);
  // A stats field (the API returns numbers as strings) as an integer; -1 when missing.
  static int64_t StatInt(const Json& stats, const std::string& field);
  static double StatDouble(const Json& stats, const std::string& field);
  // After the writes stopped: polls until the task's applied offset reached the source's
  // master_repl_offset as it is now, lag_bytes is 0 and both digests are equal. On failure the
  // returned string says what was last seen (empty on success).
  std::string WaitForCaughtUp(const std::string& task_id, const test_support::RedisServer& source,
                              const test_support::RedisServer& target, absl::Duration timeout);
  // Fills db 0 of `server` with `keys` keys via DEBUG POPULATE (value size `value_bytes`).
  static void Populate(const test_support::RedisServer& server, int keys, int value_bytes = 0);
  // Another migrationd with one task slot, its own data dir and the fixture's key file, on
  // `database_url` (e.g. through a proxy); nullptr with a test failure when it does not start.
  std::unique_ptr<test_support::MigrationdProcess> StartExtraWorker(
      const std::string& name, const std::string& database_url);
  // How long after a worker's database link froze it stopped (logged the lost lease) and the
  // other worker claimed the task.
  struct LeaseMove {
    absl::Duration stopped_after;
    absl::Duration claimed_after;
  };
  // Polls until `first` logs that it lost task `id`'s lease and `second` that it claimed the
  // task; nullopt with a test failure when either does not happen in time.
  std::optional<LeaseMove> WaitForLeaseMove(test_support::MigrationdProcess& first,
                                            test_support::MigrationdProcess& second,
                                            const std::string& id, absl::Time frozen_at);
  // A database `url` with its port replaced by `port` (e.g. a proxy's), and its port.
  static std::string WithPort(const std::string& url, int port);
  static int PortOf(const std::string& url);
  // Connections of `server` named for `task_id`'s applier at `epoch` (-1 when CLIENT LIST fails).
  static int Appliers(const test_support::RedisServer& server, const std::string& task_id,
                      int epoch);

 private:
  std::vector<std::unique_ptr<test_support::TempDir>> extra_dirs_;
};

}  // namespace rms::e2e
