// CheckDatabasesFitTarget: source databases against a cluster target's single db, at configure.
#include "services/worker/database_fit_check.h"

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/engine/topology/topology.h"
#include "services/worker/db_mapping.h"
#include "services/worker/dbsize_probe.h"
#include "services/worker/endpoints.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kProbeTimeout = absl::Seconds(3);

engine::redis::ClientOptions Quick() {
  engine::redis::ClientOptions options;
  options.connect_timeout = kProbeTimeout;
  options.io_timeout = kProbeTimeout;
  return options;
}

}  // namespace

std::vector<int> DatabasesWithKeys(absl::string_view info) {
  std::vector<int> dbs;
  for (const auto& [db, keys] : KeysPerDb(info)) {
    if (keys > 0) dbs.push_back(db);
  }
  return dbs;
}

absl::Status CheckDatabasesFitTarget(const task_config::TaskConfig& config,
                                     const crypto::SecretBox& secrets) {
  if (!config.source || !config.target) return absl::OkStatus();
  absl::StatusOr<std::vector<engine::redis::Endpoint>> target =
      ToEngineEndpoints(*config.target, secrets, "target");
  absl::StatusOr<std::vector<engine::redis::Endpoint>> source =
      ToEngineEndpoints(*config.source, secrets, "source");
  if (!target.ok() || !source.ok()) return absl::OkStatus();
  absl::StatusOr<engine::topology::Topology> target_layout =
      engine::topology::DiscoverTopology(*target, Quick());
  if (!target_layout.ok() || !target_layout->cluster) return absl::OkStatus();
  absl::StatusOr<engine::topology::Topology> source_layout =
      engine::topology::DiscoverTopology(*source, Quick());
  // A cluster source has db 0 only.
  if (!source_layout.ok() || source_layout->cluster) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<engine::redis::RedisClient>> client =
      engine::redis::RedisClient::Connect(source_layout->answered, Quick());
  if (!client.ok()) return absl::OkStatus();
  absl::StatusOr<engine::resp::RespValue> info = (*client)->Command({"INFO", "keyspace"});
  if (!info.ok()) return absl::OkStatus();
  const DbMapping mapping(config.db_mapping);
  for (int db : DatabasesWithKeys(info->str)) {
    if (mapping.Map(db) == 0) continue;
    return errors::Make(
        "DCS.4002",
        absl::StrCat("field 'db_mapping': the source holds keys in db ", db,
                     ", but the target is a Redis Cluster, which has only db 0: map it there, "
                     "e.g. \"db_mapping\": {\"",
                     db, "\": 0}"));
  }
  return absl::OkStatus();
}

}  // namespace rms::worker
