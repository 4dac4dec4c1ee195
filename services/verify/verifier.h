// Verifier: compares a source Redis with a target Redis key by key (type, value digest, TTL),
// paced so the source sees at most a configured number of commands in any second.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"
#include "services/verify/key_reader.h"
#include "services/verify/rate_limiter.h"
#include "services/verify/report.h"

namespace rms::verify {

struct VerifierOptions {
  bool sample = false;      // false: every key of both sides (missing, extra...)
  int64_t sample_keys = 0;  // sample: distinct source keys to check (all when fewer exist)
  absl::Duration ttl_tolerance = absl::Seconds(1);
  double max_source_ops = 2000;  // commands per second sent to the source
  // Incremental migration: differences wait here for a re-check after the target caught up;
  // past this many they are reported at once.
  size_t max_candidates = 10000;
  // Forces a digest method (tests); unset: ChooseDigestMode.
  std::optional<DigestMode> digest_mode;
};

struct VerifierHooks {
  // Sleeps up to the duration; false when the verification is cancelled (required).
  std::function<bool(absl::Duration)> sleep;
  // Set while the task streams changes (incremental migration): blocks until the target has
  // applied everything the source (reachable through the client) had written when it was
  // called, or a deadline passed. Differences found before are re-checked after it.
  std::function<absl::Status(engine::redis::RedisClient& source)> wait_for_catch_up;
};

// Run() on one thread; Progress() and source_commands() from any. The clients are used only by
// Run() (a caller may Cancel() them from another thread to abort it).
class Verifier {
 public:
  Verifier(engine::redis::RedisClient& source, engine::redis::RedisClient& target,
           VerifierOptions options, VerifierHooks hooks);
  // A Redis Cluster target: each key is read on the master owning it.
  Verifier(engine::redis::RedisClient& source, ClusterSide& target, VerifierOptions options,
           VerifierHooks hooks);

  // Full mode: SCANs every source db with keys and checks each key on the target, then SCANs
  // every target db for keys the source lacks. Sample mode: checks `sample_keys` distinct source
  // keys (RANDOMKEY, or a SCAN when most keys are wanted). Then re-checks the candidates.
  // Errors: the clients' (source or target unreachable...), CANCELLED.
  absl::Status Run();

  Report Progress() const;
  uint64_t source_commands() const { return source_.commands(); }
  DigestMode digest_mode() const { return mode_; }
  // After Run(), on its thread: differences held for the incremental re-check.
  size_t rechecked() const { return rechecked_; }

 private:
  // `target` or `cluster` (the other null).
  Verifier(engine::redis::RedisClient& source, engine::redis::RedisClient* target,
           ClusterSide* cluster, VerifierOptions options, VerifierHooks hooks);
  struct Candidate {
    int db;
    std::string key;
  };
  // SCAN's COUNT; the keys it returns are then read in batches.
  static constexpr int kScanCount = 100;
  // Keys per batch: about 1/40 s of the rate, 1..100, so that the largest pipeline (2 commands
  // per key and one more) is about 5% of a second's commands.
  static int BatchKeys(double max_source_ops);
  static int64_t MaxPipeline(double max_source_ops);
  int BatchKeys() const;
  absl::Status SelectBoth(int db);
  // Reads `keys` (of `db`, selected on both sides) on both sides and records what differs;
  // returns how many existed on the source (the keys checked).
  absl::StatusOr<int64_t> CheckBatch(int db, const std::vector<std::string>& keys);
  using Keys = std::vector<std::string>;
  // Calls `fn` on consecutive slices of `keys` of at most BatchKeys() keys.
  absl::Status ForEachBatch(const Keys& keys,
                            const std::function<absl::Status(const Keys&)>& fn) const;
  // Scans the source's `db` and checks its keys; with `remaining`, only keys not checked before
  // and until *remaining keys were checked (counting down).
  absl::Status SourcePass(int db, int64_t* remaining);
  // Scans the target's `db` for keys the source lacks.
  absl::Status ExtraPass(int db);
  // Records the `keys` of the target's `db` that the source lacks (one batch).
  absl::Status CheckExtras(int db, const std::vector<std::string>& keys);
  absl::Status SamplePass(const std::vector<DbKeys>& dbs, int64_t total);
  absl::Status RandomSample(const std::vector<DbKeys>& dbs, int64_t total);
  // Reads every candidate on `side` into `states` (same order), db by db.
  absl::Status ReadCandidates(RedisSide& side, std::vector<KeyState>& states);
  absl::Status Recheck();
  // Holds the difference for a re-check (incremental migration), else reports it.
  void Found(int db, const std::string& key, Problem problem);
  void AddToReport(int db, const std::string& key, Problem problem);
  void Checked(int64_t keys);
  // Sample mode: drops keys checked before from `keys` and remembers the rest.
  void DropSeen(int db, std::vector<std::string>& keys);

  VerifierOptions options_;
  VerifierHooks hooks_;
  CommandRateLimiter limiter_;
  RedisSide source_;
  RedisSide target_;
  DigestMode mode_ = DigestMode::kChunked;
  std::vector<Candidate> candidates_;
  size_t rechecked_ = 0;
  absl::flat_hash_set<uint64_t> seen_;  // sample mode: hashes of the keys already checked
  mutable absl::Mutex mu_;
  Report report_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rms::verify
