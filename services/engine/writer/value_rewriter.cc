// ValueRewriter: element chunks -> bounded variadic commands.
#include "services/engine/writer/value_rewriter.h"

#include "services/engine/writer/stream_rewriter.h"

#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/writer/stream_rewriter.h"

namespace rms::engine::writer {
namespace {

using rdb::ValueKind;

// "<name> <key> item item ..." queued whenever it reaches a bound; items are views that must stay
// valid until Finish() (or the Add that queues them) returns.
class VariadicCommand {
 public:
  VariadicCommand(CommandPipeline& pipeline, absl::string_view name, absl::string_view key,
                  const RewriteLimits& limits)
      : pipeline_(pipeline), key_(key), limits_(limits) {
    args_ = {name, key};
  }

  // Adds one element of one or two items (a pair is never split across commands).
  absl::Status Add(absl::string_view a, absl::string_view b = {}, bool pair = false) {
    args_.push_back(a);
    bytes_ += a.size();
    if (pair) {
      args_.push_back(b);
      bytes_ += b.size();
    }
    if (++elements_ >= limits_.max_command_elements || bytes_ >= limits_.max_command_bytes) {
      return Finish();
    }
    return absl::OkStatus();
  }
  // Adds a pair whose first item (a formatted number) the command keeps until it is queued.
  absl::Status AddOwned(std::string a, absl::string_view b) {
    owned_.push_back(std::move(a));
    return Add(owned_.back(), b, /*pair=*/true);
  }
  absl::Status Finish() {
    if (elements_ == 0) return absl::OkStatus();
    absl::Status status = pipeline_.Add(args_, key_);
    args_.resize(2);
    owned_.clear();
    elements_ = 0;
    bytes_ = 0;
    return status;
  }

 private:
  CommandPipeline& pipeline_;
  absl::string_view key_;
  const RewriteLimits& limits_;
  std::vector<absl::string_view> args_;
  std::deque<std::string> owned_;  // stable addresses for the views in args_
  size_t elements_ = 0;
  size_t bytes_ = 0;
};

}  // namespace

std::string FormatScore(double score) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.17g", score);
  return buffer;
}

ValueRewriter::ValueRewriter(CommandPipeline& pipeline, RewriteLimits limits,
                             int target_rdb_version)
    : pipeline_(pipeline), limits_(limits), target_rdb_version_(target_rdb_version) {
  if (limits_.max_command_elements == 0) limits_.max_command_elements = 1;
  if (limits_.max_command_bytes == 0) limits_.max_command_bytes = 1;
}

absl::Status ValueRewriter::Begin(const rdb::KeyHeader& header) {
  key_ = header.key;
  kind_ = header.kind;
  expire_at_ms_ = header.expire_at_ms;
  string_written_ = false;
  stream_entry_written_ = false;
  dropped_field_ttls_ = 0;
  if (kind_ == ValueKind::kString) return absl::OkStatus();
  return pipeline_.Add({"DEL", key_}, key_);
}

absl::Status ValueRewriter::Write(const rdb::ElementChunk& chunk) {
  switch (kind_) {
    case ValueKind::kString:
      for (const std::string& value : chunk.members) RETURN_IF_ERROR(WriteString(value));
      return absl::OkStatus();
    case ValueKind::kList:
    case ValueKind::kSet: {
      VariadicCommand command(pipeline_, kind_ == ValueKind::kList ? "RPUSH" : "SADD", key_,
                              limits_);
      for (const std::string& member : chunk.members) RETURN_IF_ERROR(command.Add(member));
      return command.Finish();
    }
    case ValueKind::kZset:
      return WriteZset(chunk);
    case ValueKind::kHash:
      return WriteHash(chunk);
    case ValueKind::kStream:
      stream_entry_written_ = stream_entry_written_ || !chunk.stream_entries.empty();
      return WriteStreamEntries(pipeline_, key_, chunk.stream_entries);
    case ValueKind::kModule:
      break;
  }
  return absl::InvalidArgumentError("module values have no element rewrite");
}

// "SET key <first part>" then "APPEND key <part>" per max_command_bytes.
absl::Status ValueRewriter::WriteString(const std::string& value) {
  absl::string_view rest = value;
  do {
    const absl::string_view part = rest.substr(0, limits_.max_command_bytes);
    rest.remove_prefix(part.size());
    RETURN_IF_ERROR(pipeline_.Add({string_written_ ? "APPEND" : "SET", key_, part}, key_));
    string_written_ = true;
  } while (!rest.empty());
  return absl::OkStatus();
}

// "ZADD key score member [score member ...]"
absl::Status ValueRewriter::WriteZset(const rdb::ElementChunk& chunk) {
  if (chunk.scores.size() != chunk.members.size()) {
    return absl::InternalError("zset chunk without a score per member");
  }
  VariadicCommand command(pipeline_, "ZADD", key_, limits_);
  for (size_t i = 0; i < chunk.members.size(); ++i) {
    RETURN_IF_ERROR(command.AddOwned(FormatScore(chunk.scores[i]), chunk.members[i]));
  }
  return command.Finish();
}

// "HSET key field value [field value ...]" (HMSET before 4.0), then the field TTLs.
absl::Status ValueRewriter::WriteHash(const rdb::ElementChunk& chunk) {
  if (chunk.values.size() != chunk.members.size()) {
    return absl::InternalError("hash chunk without a value per field");
  }
  VariadicCommand command(pipeline_, target_rdb_version_ >= 8 ? "HSET" : "HMSET", key_, limits_);
  for (size_t i = 0; i < chunk.members.size(); ++i) {
    RETURN_IF_ERROR(command.Add(chunk.members[i], chunk.values[i], /*pair=*/true));
  }
  RETURN_IF_ERROR(command.Finish());
  return WriteFieldTtls(chunk);
}

// "HPEXPIREAT key <unix ms> FIELDS <n> field ..." per distinct expiry (Redis 7.4+); counted as
// dropped on older targets.
absl::Status ValueRewriter::WriteFieldTtls(const rdb::ElementChunk& chunk) {
  if (chunk.field_expire_at_ms.size() != chunk.members.size()) return absl::OkStatus();
  std::map<int64_t, std::vector<absl::string_view>> fields_by_expiry;
  for (size_t i = 0; i < chunk.members.size(); ++i) {
    if (chunk.field_expire_at_ms[i] < 0) continue;
    fields_by_expiry[chunk.field_expire_at_ms[i]].push_back(chunk.members[i]);
  }
  if (target_rdb_version_ < 12) {
    for (const auto& [expiry, fields] : fields_by_expiry) dropped_field_ttls_ += fields.size();
    return absl::OkStatus();
  }
  for (const auto& [expiry, fields] : fields_by_expiry) {
    const std::string at = absl::StrCat(expiry);
    for (size_t from = 0; from < fields.size(); from += limits_.max_command_elements) {
      const size_t n = std::min(limits_.max_command_elements, fields.size() - from);
      const std::string count = absl::StrCat(n);
      std::vector<absl::string_view> args = {"HPEXPIREAT", key_, at, "FIELDS", count};
      args.insert(args.end(), fields.begin() + from, fields.begin() + from + n);
      RETURN_IF_ERROR(pipeline_.Add(args, key_));
    }
  }
  return absl::OkStatus();
}

absl::Status ValueRewriter::End() {
  if (kind_ == ValueKind::kString && !string_written_) RETURN_IF_ERROR(WriteString(""));
  if (expire_at_ms_ < 0) return absl::OkStatus();
  const std::string at = absl::StrCat(expire_at_ms_);
  return pipeline_.Add({"PEXPIREAT", key_, at}, key_);
}

}  // namespace rms::engine::writer
