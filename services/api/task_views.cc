// Renders stored rows as API messages (never including a password).
#include "services/api/task_views.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "services/api/task_state.h"

namespace rms::api {
namespace {

v1::InstanceView InstanceViewOf(const EndpointConfig& endpoint) {
  v1::InstanceView view;
  view.set_id(endpoint.instance_id);
  view.set_name(endpoint.instance_name);
  view.set_addrs(endpoint.addrs);
  // ip/port describe the first node, as the DCS API does for a single-node instance.
  std::string first(absl::StripAsciiWhitespace(
      absl::string_view(endpoint.addrs).substr(0, endpoint.addrs.find(','))));
  size_t colon = first.rfind(':');
  if (colon != std::string::npos) {
    std::string host = first.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    view.set_ip(host);
    view.set_port(first.substr(colon + 1));
  }
  view.set_db("0");
  // Our extension: the ACL user and TLS settings as given (neither is a secret).
  view.set_username(endpoint.username);
  if (endpoint.tls.enabled) {
    v1::TlsBody& tls = *view.mutable_tls();
    tls.set_enabled(true);
    tls.set_ca_cert(endpoint.tls.ca_cert);
    tls.set_server_name(endpoint.tls.server_name);
    tls.set_insecure_skip_verify(endpoint.tls.insecure_skip_verify);
  }
  return view;
}

std::string Stat(const nlohmann::json& stats, const char* key) {
  if (!stats.is_object() || !stats.contains(key)) return "0";
  const nlohmann::json& value = stats[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return "0";
}

}  // namespace

std::string FormatApiTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

v1::TaskStatus StatusOf(const storage::TaskRecord& task) {
  v1::TaskStatus status = v1::TASK_STATUS_UNSPECIFIED;
  v1::TaskStatus_Parse(std::string(task_model::ToDcsString(task.status)), &status);
  return status;
}

v1::TaskDetails TaskDetailsOf(const storage::TaskRecord& task, const TaskConfig& config) {
  v1::TaskDetails details;
  details.set_task_id(task.id);
  details.set_task_name(task.name);
  details.set_description(task.description);
  details.set_status(StatusOf(task));
  details.set_migration_type(task.kind);
  details.set_migration_method(config.migration_method);
  details.set_resume_mode(config.resume_mode);
  details.set_bandwidth_limit_mb(config.bandwidth_limit_mb);
  if (config.source) *details.mutable_source_instance() = InstanceViewOf(*config.source);
  if (config.target) *details.mutable_target_instance() = InstanceViewOf(*config.target);
  details.set_created_at(FormatApiTime(task.created_at));
  details.set_updated_at(FormatApiTime(task.updated_at));
  if (task.released_at) details.set_released_at(FormatApiTime(*task.released_at));
  details.set_error_message(task.error);
  details.set_vpc_id(config.vpc_id);
  details.set_subnet_id(config.subnet_id);
  details.set_security_group_id(config.security_group_id);
  if (!config.files.empty()) {
    v1::BackupFiles* files = details.mutable_backup_files();
    files->set_file_source(config.file_source);
    files->set_bucket_name(config.bucket_name);
    for (const ImportFile& file : config.files) {
      v1::BackupFile* out = files->add_files();
      out->set_file_name(file.file_name);
      out->set_size(file.size);
    }
  }
  return details;
}

v1::TaskSummary TaskSummaryOf(const storage::TaskRecord& task, const TaskConfig& config) {
  v1::TaskSummary summary;
  summary.set_task_id(task.id);
  summary.set_task_name(task.name);
  summary.set_status(StatusOf(task));
  summary.set_migration_type(task.kind);
  summary.set_migration_method(config.migration_method);
  summary.set_data_source(config.source ? config.source->addrs : config.file_source);
  if (config.source) {
    summary.set_source_instance_name(config.source->instance_name);
    summary.set_source_instance_id(config.source->instance_id);
  }
  if (config.target) {
    summary.set_target_instance_addrs(config.target->addrs);
    summary.set_target_instance_name(config.target->instance_name);
    summary.set_target_instance_id(config.target->instance_id);
  }
  summary.set_created_at(FormatApiTime(task.created_at));
  summary.set_description(task.description);
  summary.set_error_message(task.error);
  if (task.released_at) summary.set_released_at(FormatApiTime(*task.released_at));
  summary.set_resume_mode(config.resume_mode);
  return summary;
}

v1::TaskStats TaskStatsOf(const storage::TaskRecord& task) {
  nlohmann::json stats = nlohmann::json::parse(task.stats_json, nullptr, false);
  v1::TaskStats out;
  out.set_full_migration_progress(Stat(stats, "full_migration_progress"));
  out.set_offset(Stat(stats, "offset"));
  out.set_source_dbsize(Stat(stats, "source_dbsize"));
  out.set_target_dbsize(Stat(stats, "target_dbsize"));
  out.set_target_input_kbps(Stat(stats, "target_input_kbps"));
  out.set_target_ops(Stat(stats, "target_ops"));
  out.set_read_offset(Stat(stats, "read_offset"));
  out.set_lag_bytes(Stat(stats, "lag_bytes"));
  out.set_lag_seconds(Stat(stats, "lag_seconds"));
  out.set_throttled_seconds(Stat(stats, "throttled_seconds"));
  out.set_reconnects(Stat(stats, "reconnects"));
  out.set_keys_written(Stat(stats, "keys_written"));
  out.set_snapshot_bytes(Stat(stats, "snapshot_bytes"));
  out.set_full_resyncs(Stat(stats, "full_resyncs"));
  out.set_is_migrating(task_model::IsCopying(task.status));
  if (stats.is_object() && stats.contains("shards") && stats["shards"].is_array()) {
    for (const nlohmann::json& shard : stats["shards"]) {
      v1::ShardStats* row = out.add_shards();
      row->set_slots(Stat(shard, "slots"));
      row->set_node(Stat(shard, "node"));
      row->set_snapshot_done(shard.is_object() && shard.contains("snapshot_done") &&
                             shard["snapshot_done"].is_boolean() &&
                             shard["snapshot_done"].get<bool>());
      row->set_offset(Stat(shard, "offset"));
      row->set_read_offset(Stat(shard, "read_offset"));
      row->set_lag_bytes(Stat(shard, "lag_bytes"));
      row->set_keys_written(Stat(shard, "keys_written"));
      row->set_reconnects(Stat(shard, "reconnects"));
      row->set_full_resyncs(Stat(shard, "full_resyncs"));
    }
  }
  return out;
}

v1::TaskLog TaskLogOf(const storage::TaskEvent& event) {
  v1::TaskLog log;
  log.set_created_at(FormatApiTime(event.created_at));
  log.set_log_level(event.level);
  log.set_message(event.message);
  log.set_log_code(event.code);
  for (const std::string& keyword : event.keywords) log.add_keyword(keyword);
  return log;
}

v1::Instance InstanceOf(const storage::InstanceRecord& instance) {
  v1::Instance out;
  out.set_id(instance.id);
  out.set_name(instance.name);
  out.set_addrs(instance.addrs);
  out.set_description(instance.description);
  out.set_has_password(!instance.encrypted_password.empty());
  out.set_created_at(FormatApiTime(instance.created_at));
  return out;
}

}  // namespace rms::api
