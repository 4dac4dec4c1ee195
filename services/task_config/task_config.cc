// TaskConfig <-> the JSON object stored in tasks.config.
#include "services/task_config/task_config.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace rms::task_config {
namespace {

using nlohmann::json;

json EndpointToJson(const EndpointConfig& endpoint) {
  json j{{"instance_id", endpoint.instance_id},
         {"instance_name", endpoint.instance_name},
         {"addrs", endpoint.addrs},
         {"sealed_password", endpoint.sealed_password}};
  // Written only when set, so rows of tasks without them stay as they were.
  if (!endpoint.username.empty()) j["username"] = endpoint.username;
  if (endpoint.tls.enabled) {
    j["tls"] = json{{"enabled", true},
                    {"ca_cert", endpoint.tls.ca_cert},
                    {"server_name", endpoint.tls.server_name},
                    {"insecure_skip_verify", endpoint.tls.insecure_skip_verify}};
  }
  return j;
}

EndpointConfig EndpointFromJson(const json& j) {
  EndpointConfig endpoint{j.value("instance_id", ""), j.value("instance_name", ""),
                          j.value("addrs", ""),       j.value("sealed_password", ""),
                          j.value("username", ""),    TlsConfig{}};
  if (j.contains("tls")) {
    const json& tls = j["tls"];
    endpoint.tls =
        TlsConfig{tls.value("enabled", false), tls.value("ca_cert", ""),
                  tls.value("server_name", ""), tls.value("insecure_skip_verify", false)};
  }
  return endpoint;
}

}  // namespace

std::string TaskConfigToJson(const TaskConfig& config) {
  json j{{"migration_method", config.migration_method},
         {"resume_mode", config.resume_mode},
         {"bandwidth_limit_mb", config.bandwidth_limit_mb},
         {"full_resync_policy", config.full_resync_policy},
         {"vpc_id", config.vpc_id},
         {"subnet_id", config.subnet_id},
         {"security_group_id", config.security_group_id}};
  if (!config.db_mapping.empty()) {
    json mapping = json::object();
    for (const auto& [from, to] : config.db_mapping) mapping[std::to_string(from)] = to;
    j["db_mapping"] = mapping;
  }
  if (config.source) j["source"] = EndpointToJson(*config.source);
  if (config.target) j["target"] = EndpointToJson(*config.target);
  if (!config.file_source.empty() || !config.files.empty()) {
    json files = json::array();
    for (const ImportFile& file : config.files) {
      files.push_back(json{{"file_name", file.file_name}, {"size", file.size}});
    }
    j["backup_files"] = json{
        {"file_source", config.file_source}, {"bucket_name", config.bucket_name}, {"files", files}};
  }
  return j.dump();
}

absl::StatusOr<TaskConfig> TaskConfigFromJson(absl::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::InternalError("stored task config is not a JSON object");
  try {
    TaskConfig config;
    config.migration_method = j.value("migration_method", "");
    config.resume_mode = j.value("resume_mode", "");
    config.bandwidth_limit_mb = j.value("bandwidth_limit_mb", "");
    config.full_resync_policy = j.value("full_resync_policy", "");
    config.vpc_id = j.value("vpc_id", "");
    config.subnet_id = j.value("subnet_id", "");
    config.security_group_id = j.value("security_group_id", "");
    if (j.contains("db_mapping")) {
      for (const auto& [from, to] : j["db_mapping"].items()) {
        config.db_mapping[std::stoi(from)] = to.get<int>();
      }
    }
    if (j.contains("source")) config.source = EndpointFromJson(j["source"]);
    if (j.contains("target")) config.target = EndpointFromJson(j["target"]);
    if (j.contains("backup_files")) {
      const json& backup = j["backup_files"];
      config.file_source = backup.value("file_source", "");
      config.bucket_name = backup.value("bucket_name", "");
      for (const json& file : backup.value("files", json::array())) {
        config.files.push_back(ImportFile{file.value("file_name", ""), file.value("size", "")});
      }
    }
    return config;
  } catch (const std::exception& e) {  // json::exception, or std::stoi on a db_mapping key
    return absl::InternalError("stored task config has a field of the wrong type");
  }
}

}  // namespace rms::task_config
