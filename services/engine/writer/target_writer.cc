// TargetWriter: construction, event dispatch, replication commands, warnings and stats.
#include "services/engine/writer/target_writer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/writer/key_label.h"
#include "services/engine/writer/reply_errors.h"
#include "services/engine/writer/target_version.h"

namespace rms::engine::writer {
namespace {

constexpr size_t kMaxWarnings = 1000;

PipelineOptions PipelineOptionsOf(const TargetWriterOptions& options) {
  PipelineOptions out;
  out.max_commands = options.max_pipeline_commands;
  out.max_bytes = options.max_pipeline_bytes;
  out.redact_keys = options.redact_keys;
  out.hold_redirects = options.hold_redirects;
  return out;
}

}  // namespace

TargetWriter::TargetWriter(TargetNode& node, TargetWriterOptions options)
    : node_(node),
      options_(options),
      pipeline_(node_, PipelineOptionsOf(options_)),
      rewriter_(pipeline_, options_.rewrite, options_.target_rdb_version),
      strings_(options_.string_batch) {}

TargetWriter::TargetWriter(redis::RedisClient& client, TargetWriterOptions options)
    : owned_node_(std::make_unique<RedisClientNode>(client)),
      node_(*owned_node_),
      options_(options),
      pipeline_(node_, PipelineOptionsOf(options_)),
      rewriter_(pipeline_, options_.rewrite, options_.target_rdb_version),
      strings_(options_.string_batch) {}

TargetWriter::~TargetWriter() = default;

absl::StatusOr<std::unique_ptr<TargetWriter>> TargetWriter::Connect(const redis::Endpoint& endpoint,
                                                                    TargetWriterOptions options,
                                                                    redis::ClientOptions client) {
  ASSIGN_OR_RETURN(std::unique_ptr<redis::RedisClient> connection,
                   redis::RedisClient::Connect(endpoint, client));
  if (options.target_rdb_version <= 0) {
    RedisClientNode probe(*connection);
    ASSIGN_OR_RETURN(options.target_rdb_version, QueryTargetRdbVersion(probe));
  }
  std::unique_ptr<TargetWriter> writer(new TargetWriter(*connection, options));
  writer->owned_client_ = std::move(connection);
  return writer;
}

absl::Status TargetWriter::Apply(const rdb::RdbEvent& event) {
  if (!error_.ok()) return error_;
  if (options_.target_rdb_version <= 0) {
    return absl::FailedPreconditionError("TargetWriter: the target RDB version is not set");
  }
  error_ = ApplyEvent(event);
  return error_;
}

absl::Status TargetWriter::ApplyEvent(const rdb::RdbEvent& event) {
  switch (event.type) {
    case rdb::RdbEvent::kAux:
      if (event.aux_key != "lua") return absl::OkStatus();
      // Scripts saved by Redis 2.x-6.x (aux "lua"): load them so EVALSHA keeps working.
      ++stats_.scripts_loaded;
      RETURN_IF_ERROR(FlushStrings());
      return pipeline_.Add({"SCRIPT", "LOAD", event.aux_value}, std::nullopt);
    case rdb::RdbEvent::kSelectDb:
      return SelectDb(event.db);
    case rdb::RdbEvent::kResizeDb:
      return absl::OkStatus();
    case rdb::RdbEvent::kFunction:
      return LoadFunction(event.function_code);
    case rdb::RdbEvent::kModuleAux:
      Warn(absl::StrCat("module data not migrated: ", event.message));
      return absl::OkStatus();
    case rdb::RdbEvent::kKeyBegin:
      return BeginKey(event.header);
    case rdb::RdbEvent::kElements:
      return AddElements(event.chunk);
    case rdb::RdbEvent::kKeyEnd:
      return EndKey(event);
    case rdb::RdbEvent::kEnd:
      if (mode_ != KeyMode::kNone) {
        return absl::FailedPreconditionError("RDB ended inside a key");
      }
      RETURN_IF_ERROR(FlushStrings());
      return pipeline_.Flush();
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown RDB event type ", event.type));
}

absl::Status TargetWriter::SelectDb(int db) {
  if (db == current_db_) return absl::OkStatus();
  const std::string number = absl::StrCat(db);
  RETURN_IF_ERROR(FlushStrings());
  RETURN_IF_ERROR(pipeline_.Add({"SELECT", number}, std::nullopt));
  current_db_ = db;
  return absl::OkStatus();
}

// "FUNCTION LOAD REPLACE <code>" (Redis 7.0+); older targets have no functions: a warning.
absl::Status TargetWriter::LoadFunction(const std::string& code) {
  if (options_.target_rdb_version < 10) {
    Warn(absl::StrCat("function library '", absl::CEscape(code.substr(0, code.find('\n'))),
                      "' not migrated: the target (Redis < 7.0) has no functions"));
    return absl::OkStatus();
  }
  ++stats_.functions_loaded;
  RETURN_IF_ERROR(FlushStrings());
  return pipeline_.Add({"FUNCTION", "LOAD", "REPLACE", code}, std::nullopt);
}

absl::Status TargetWriter::ApplyCommand(absl::Span<const std::string> args) {
  if (!error_.ok()) return error_;
  if (args.empty()) return absl::InvalidArgumentError("ApplyCommand: empty command");
  if (mode_ != KeyMode::kNone) {
    return absl::FailedPreconditionError("ApplyCommand inside an RDB key");
  }
  if (absl::AsciiStrToUpper(args[0]) == "SELECT") {
    int db = -1;
    current_db_ = args.size() == 2 && absl::SimpleAtoi(args[1], &db) ? db : -1;
  }
  std::vector<absl::string_view> views(args.begin(), args.end());
  ++stats_.commands_applied;
  error_ = FlushStrings();
  if (error_.ok()) error_ = pipeline_.Add(views, KeyOfCommand(args));
  return error_;
}

absl::Status TargetWriter::Flush() {
  if (!error_.ok()) return error_;
  error_ = FlushStrings();
  if (error_.ok()) error_ = pipeline_.Flush();
  return error_;
}

absl::Status TargetWriter::Resend(const RedirectedCommand& command, bool asking) {
  if (!error_.ok()) return error_;
  if (asking) error_ = pipeline_.Add({"ASKING"}, std::nullopt);
  if (error_.ok()) error_ = pipeline_.AddEncoded(command.encoded, command.name, command.key);
  return error_;
}

absl::StatusOr<std::vector<resp::RespValue>> TargetWriter::ExchangeNow(absl::string_view encoded,
                                                                       size_t count) {
  RETURN_IF_ERROR(Flush());
  ++exchanges_;
  absl::StatusOr<std::vector<resp::RespValue>> replies = node_.Exchange(encoded, count);
  if (!replies.ok()) {
    error_ = absl::Status(replies.status().code(), absl::StrCat("writing to ", node_.Describe(),
                                                                ": ", replies.status().message()));
    return error_;
  }
  return replies;
}

absl::StatusOr<redis::RedisClient*> TargetWriter::LendConnection() {
  RETURN_IF_ERROR(Flush());
  if (!owned_client_) {
    return absl::FailedPreconditionError("TargetWriter: no connection of its own to lend");
  }
  current_db_ = -1;
  return owned_client_.get();
}

void TargetWriter::Warn(std::string message) {
  if (warnings_.size() < kMaxWarnings) {
    warnings_.push_back(std::move(message));
  } else {
    ++suppressed_warnings_;
  }
}

std::vector<std::string> TargetWriter::TakeWarnings() {
  std::vector<std::string> out = std::move(warnings_);
  warnings_.clear();
  if (suppressed_warnings_ > 0) {
    out.push_back(absl::StrCat("... and ", suppressed_warnings_, " more warnings"));
    suppressed_warnings_ = 0;
  }
  return out;
}

TargetWriterStats TargetWriter::stats() const {
  TargetWriterStats out = stats_;
  out.keys_batched = strings_.keys_batched();
  out.commands_sent = pipeline_.stats().commands_sent;
  out.bytes_sent = pipeline_.stats().bytes_sent;
  out.writes = pipeline_.stats().writes + exchanges_;
  out.peak_pipeline_bytes = pipeline_.stats().peak_pending_bytes;
  return out;
}

std::string TargetWriter::Label(absl::string_view key) const {
  return KeyLabel(key, options_.redact_keys);
}

}  // namespace rms::engine::writer
