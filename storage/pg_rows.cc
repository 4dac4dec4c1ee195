// Conversions between records and SQL parameters/rows, in the column orders of sql_queries.h.
#include "storage/pg_rows.h"

#include <nlohmann/json.hpp>
#include <pqxx/field>

#include "absl/strings/str_cat.h"

namespace rms::storage {
namespace {

std::string Text(const pqxx::field& field) { return field.is_null() ? "" : field.c_str(); }

absl::Time TimeOf(const pqxx::field& field) {
  return field.is_null() ? absl::Time() : absl::FromUnixMicros(field.as<int64_t>());
}

std::optional<absl::Time> OptionalTimeOf(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return absl::FromUnixMicros(field.as<int64_t>());
}

std::vector<std::string> KeywordsFromJson(const std::string& text) {
  std::vector<std::string> keywords;
  nlohmann::json array = nlohmann::json::parse(text);
  for (const nlohmann::json& keyword : array) keywords.push_back(keyword.get<std::string>());
  return keywords;
}

std::vector<VerificationExample> ExamplesFromJson(const std::string& text) {
  std::vector<VerificationExample> examples;
  const nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) return examples;
  for (const nlohmann::json& item : array) {
    if (!item.is_object()) continue;
    examples.push_back(
        VerificationExample{item.value("db", 0), item.value("key", ""), item.value("problem", "")});
  }
  return examples;
}

}  // namespace

std::optional<int64_t> MicrosOrNull(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return std::nullopt;
  return absl::ToUnixMicros(*time);
}

std::optional<int64_t> MicrosOrNow(absl::Time time) {
  if (time == absl::Time()) return std::nullopt;
  return absl::ToUnixMicros(time);
}

std::string KeywordsToJson(const std::vector<std::string>& keywords) {
  return nlohmann::json(keywords).dump();
}

std::string ContainsPattern(absl::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

absl::Status CheckPaging(int offset, int limit) {
  if (offset < 0) return absl::InvalidArgumentError("offset must not be negative");
  if (limit < 0) return absl::InvalidArgumentError("limit must not be negative");
  return absl::OkStatus();
}

absl::StatusOr<TaskRecord> TaskFromRow(const pqxx::row& row) {
  TaskRecord task;
  task.id = Text(row[0]);
  task.project_id = Text(row[1]);
  task.name = Text(row[2]);
  task.description = Text(row[3]);
  task.kind = Text(row[4]);
  task.job_id = Text(row[5]);
  task.config_json = Text(row[6]);
  absl::StatusOr<task_model::TaskStatus> status = task_model::ParseTaskStatus(Text(row[7]));
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("tasks.status of task ", task.id, ": ", status.status().message()));
  }
  task.status = *status;
  task.error = Text(row[8]);
  task.desired_state = Text(row[9]);
  task.stats_json = Text(row[10]);
  task.lease_owner = Text(row[11]);
  task.lease_epoch = row[12].as<int64_t>();
  task.lease_expires_at = OptionalTimeOf(row[13]);
  task.created_at = TimeOf(row[14]);
  task.updated_at = TimeOf(row[15]);
  task.released_at = OptionalTimeOf(row[16]);
  task.lease_live = row[17].as<bool>();
  if (!row[18].is_null()) task.target_empty_at_first_sync = row[18].as<bool>();
  return task;
}

TaskEvent EventFromRow(const pqxx::row& row) {
  TaskEvent event;
  event.id = row[0].as<int64_t>();
  event.task_id = Text(row[1]);
  event.created_at = TimeOf(row[2]);
  event.level = Text(row[3]);
  event.code = Text(row[4]);
  event.message = Text(row[5]);
  event.keywords = KeywordsFromJson(Text(row[6]));
  event.from_status = Text(row[7]);
  event.to_status = Text(row[8]);
  return event;
}

InstanceRecord InstanceFromRow(const pqxx::row& row) {
  InstanceRecord instance;
  instance.id = Text(row[0]);
  instance.project_id = Text(row[1]);
  instance.name = Text(row[2]);
  instance.addrs = Text(row[3]);
  instance.encrypted_password = Text(row[4]);
  instance.description = Text(row[5]);
  instance.created_at = TimeOf(row[6]);
  return instance;
}

CredentialRecord CredentialFromRow(const pqxx::row& row) {
  CredentialRecord credential;
  credential.id = Text(row[0]);
  credential.project_id = Text(row[1]);
  credential.kind = Text(row[2]);
  credential.token_sha256 = Text(row[3]);
  credential.access_key = Text(row[4]);
  credential.encrypted_secret_key = Text(row[5]);
  credential.created_at = TimeOf(row[6]);
  credential.expires_at = OptionalTimeOf(row[7]);
  credential.revoked_at = OptionalTimeOf(row[8]);
  return credential;
}

std::string ExamplesToJson(const std::vector<VerificationExample>& examples) {
  nlohmann::json array = nlohmann::json::array();
  for (const VerificationExample& example : examples) {
    array.push_back({{"db", example.db}, {"key", example.key}, {"problem", example.problem}});
  }
  // Keys are escaped to printable UTF-8 by the verifier; replace anything else rather than throw.
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

VerificationRecord VerificationFromRow(const pqxx::row& row) {
  VerificationRecord v;
  v.id = Text(row[0]);
  v.task_id = Text(row[1]);
  v.project_id = Text(row[2]);
  v.mode = Text(row[3]);
  v.sample_keys = row[4].as<int64_t>();
  v.ttl_tolerance_s = row[5].as<int>();
  v.max_source_ops_per_s = row[6].as<int>();
  v.status = Text(row[7]);
  v.counts =
      VerificationCounts{row[8].as<int64_t>(),  row[9].as<int64_t>(),  row[10].as<int64_t>(),
                         row[11].as<int64_t>(), row[12].as<int64_t>(), row[13].as<int64_t>()};
  v.examples = ExamplesFromJson(Text(row[14]));
  v.error = Text(row[15]);
  v.lease_owner = Text(row[16]);
  v.lease_epoch = row[17].as<int64_t>();
  v.lease_expires_at = OptionalTimeOf(row[18]);
  v.created_at = TimeOf(row[19]);
  v.finished_at = OptionalTimeOf(row[20]);
  return v;
}

}  // namespace rms::storage
