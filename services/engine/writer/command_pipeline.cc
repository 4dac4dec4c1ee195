// CommandPipeline: bounded batches, reply checking, error statuses naming command and key.
#include "services/engine/writer/command_pipeline.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/engine/resp/resp.h"
#include "services/engine/writer/reply_errors.h"

namespace rms::engine::writer {
namespace {

constexpr size_t kMaxNameBytes = 64;

bool IsContainerCommand(absl::string_view upper) {
  return upper == "XGROUP" || upper == "FUNCTION" || upper == "SCRIPT" || upper == "CONFIG" ||
         upper == "CLIENT" || upper == "OBJECT" || upper == "XINFO" || upper == "DEBUG" ||
         upper == "MEMORY" || upper == "CLUSTER";
}

}  // namespace

std::string CommandName(absl::Span<const absl::string_view> args) {
  if (args.empty()) return "(empty command)";
  std::string name = absl::AsciiStrToUpper(args[0].substr(0, kMaxNameBytes));
  if (args.size() > 1 && IsContainerCommand(name)) {
    absl::StrAppend(&name, " ", absl::AsciiStrToUpper(args[1].substr(0, kMaxNameBytes)));
  }
  return absl::CEscape(name);
}

CommandPipeline::CommandPipeline(TargetNode& node, PipelineOptions options)
    : node_(node), options_(options) {
  options_.max_commands = std::max<size_t>(options_.max_commands, 1);
  options_.max_bytes = std::max<size_t>(options_.max_bytes, 1);
}

absl::Status CommandPipeline::Add(absl::Span<const absl::string_view> args,
                                  std::optional<absl::string_view> key) {
  if (!error_.ok()) return error_;
  resp::AppendCommand(encoded_, args);
  Pending command;
  command.name = CommandName(args);
  if (key.has_value()) {
    if (keys_.empty() || keys_.back() != *key) keys_.emplace_back(*key);
    command.key_index = static_cast<int>(keys_.size()) - 1;
  }
  pending_.push_back(std::move(command));
  stats_.peak_pending_bytes = std::max(stats_.peak_pending_bytes, encoded_.size());
  if (pending_.size() >= options_.max_commands || encoded_.size() >= options_.max_bytes) {
    return Flush();
  }
  return absl::OkStatus();
}

absl::Status CommandPipeline::Flush() {
  if (!error_.ok()) return error_;
  if (pending_.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<resp::RespValue>> replies = node_.Exchange(encoded_, pending_.size());
  if (!replies.ok()) {
    error_ = absl::Status(replies.status().code(), absl::StrCat("writing to ", node_.Describe(),
                                                                ": ", replies.status().message()));
    return error_;
  }
  if (replies->size() != pending_.size()) {
    error_ = absl::InternalError(absl::StrCat("expected ", pending_.size(), " replies from ",
                                              node_.Describe(), ", got ", replies->size()));
    return error_;
  }
  stats_.commands_sent += pending_.size();
  stats_.bytes_sent += encoded_.size();
  ++stats_.batches_sent;
  size_t failures = 0;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (!(*replies)[i].IsError()) continue;
    if (failures++ == 0) error_ = ReplyError(pending_[i], (*replies)[i].str);
  }
  if (failures > 1) {
    error_ = absl::Status(error_.code(), absl::StrCat(error_.message(), " (and ", failures - 1,
                                                      " more error replies in the same batch)"));
  }
  // Keep the buffer's capacity for the next batch unless one huge command inflated it.
  if (encoded_.capacity() > 2 * options_.max_bytes) {
    std::string().swap(encoded_);
  } else {
    encoded_.clear();
  }
  pending_.clear();
  keys_.clear();
  return error_;
}

absl::Status CommandPipeline::ReplyError(const Pending& command, absl::string_view message) const {
  std::optional<absl::string_view> key;
  if (command.key_index >= 0) key = keys_[command.key_index];
  return ReplyErrorStatus(node_.Describe(), command.name, key, message, options_.redact_keys);
}

}  // namespace rms::engine::writer
