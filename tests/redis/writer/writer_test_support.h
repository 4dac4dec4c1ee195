// Helpers for the TargetWriter tests: replaying an RDB file into a writer, reference servers that
// loaded an RDB at start, and the fixture manifests as an oracle (dump_manifest.py on the target).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/writer/target_writer.h"
#include "tests/support/redis_server.h"

namespace rms::test_writer {

inline constexpr char kTargetPassword[] = "writer-target-secret";

// RMS_FIXTURES_DIR + "/" + relative ("rdb/dataset-rdb10.rdb").
std::string FixturePath(const std::string& relative);

// Reads the RDB at `path` with RdbReader and hands every event, with the reader's RDB version,
// to `apply`, up to kEnd; stops at the first error.
absl::Status ReadRdbEvents(
    const std::string& path, engine::rdb::RdbLimits limits,
    const std::function<absl::Status(const engine::rdb::RdbEvent&, int version)>& apply,
    const std::function<engine::rdb::ValueNeeds(const engine::rdb::KeyHeader&)>& needs = nullptr);

// Reads the RDB at `path` with RdbReader and applies every event to `writer` (telling it the
// source version), then flushes. `observe`, when set, sees each event before the writer does.
absl::Status ReplayRdb(const std::string& path, engine::writer::TargetWriter& writer,
                       engine::rdb::RdbLimits limits = {},
                       const std::function<void(const engine::rdb::RdbEvent&)>& observe = {});

// 127.0.0.1:<port> with the server's password.
engine::redis::Endpoint EndpointOf(const test_support::RedisServer& server);

// `DEBUG DIGEST` through an authenticated client.
absl::StatusOr<std::string> DigestOf(engine::redis::RedisClient& client);

// A redis-server that loaded a copy of an RDB file at start (no password); removes its copy.
class ReferenceServer {
 public:
  static absl::StatusOr<std::unique_ptr<ReferenceServer>> Start(const std::string& rdb_path);
  ~ReferenceServer();
  test_support::RedisServer& server() { return *server_; }

 private:
  std::string dir_;
  std::unique_ptr<test_support::RedisServer> server_;
};

// Manifest rows by (db, key_b64).
using ManifestRows = std::map<std::pair<int, std::string>, nlohmann::json>;

// Reads a *.manifest.jsonl or *.manifest.jsonl.gz file.
absl::StatusOr<ManifestRows> LoadManifest(const std::string& path);

// Clears the target's requirepass through `client` (already authenticated), then runs
// dump_manifest.py against it and loads the result.
absl::StatusOr<ManifestRows> DumpTarget(const test_support::RedisServer& server,
                                        engine::redis::RedisClient& client);

struct CompareOptions {
  bool ignore_field_ttls = false;     // target < 7.4 cannot report hash field TTLs
  bool ignore_consumer_times = true;  // a rewrite cannot set stream consumers' seen-time
};

// Row by row (db, key, type, expire_at_ms, value; never `encoding`; stream radix-tree sizes and
// consumers' active-time ignored). Returns the differences (empty when equal), at most 20.
std::vector<std::string> CompareManifests(const ManifestRows& expected, const ManifestRows& actual,
                                          const CompareOptions& options);

}  // namespace rms::test_writer
