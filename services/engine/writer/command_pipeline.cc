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
  options_.max_inflight_batches = std::max<size_t>(options_.max_inflight_batches, 1);
}

absl::Status CommandPipeline::Add(absl::Span<const absl::string_view> args,
                                  std::optional<absl::string_view> key) {
  if (!error_.ok()) return error_;
  const size_t start = open_.encoded.size();
  resp::AppendCommand(open_.encoded, args);
  return Queued(start, CommandName(args), key);
}

absl::Status CommandPipeline::AddEncoded(absl::string_view encoded, absl::string_view name,
                                         std::optional<absl::string_view> key) {
  if (!error_.ok()) return error_;
  const size_t start = open_.encoded.size();
  open_.encoded.append(encoded.data(), encoded.size());
  return Queued(start, std::string(name), key);
}

absl::Status CommandPipeline::Queued(size_t start, std::string name,
                                     std::optional<absl::string_view> key) {
  Pending command;
  command.name = std::move(name);
  command.start = start;
  if (key.has_value()) {
    if (open_.keys.empty() || open_.keys.back() != *key) open_.keys.emplace_back(*key);
    command.key_index = static_cast<int>(open_.keys.size()) - 1;
  }
  open_.pending.push_back(std::move(command));
  stats_.peak_pending_bytes = std::max(stats_.peak_pending_bytes, open_.encoded.size());
  if (open_.pending.size() >= options_.max_commands || open_.encoded.size() >= options_.max_bytes) {
    return SendOpen();
  }
  return absl::OkStatus();
}

absl::Status CommandPipeline::Flush() {
  if (!error_.ok()) return error_;
  if (!open_.pending.empty()) {
    if (absl::Status sent = SendOpen(); !sent.ok()) return sent;
  }
  while (!inflight_.empty()) {
    if (absl::Status collected = CollectOldest(); !collected.ok()) return collected;
  }
  return absl::OkStatus();
}

absl::Status CommandPipeline::SendOpen() {
  ++stats_.writes;
  if (absl::Status sent = node_.Send(open_.encoded); !sent.ok()) {
    error_ = absl::Status(sent.code(),
                          absl::StrCat("writing to ", node_.Describe(), ": ", sent.message()));
    return error_;
  }
  inflight_.push_back(std::move(open_));
  open_ = spare_ ? *std::exchange(spare_, std::nullopt) : Batch();
  while (inflight_.size() >= options_.max_inflight_batches) {
    if (absl::Status collected = CollectOldest(); !collected.ok()) return collected;
  }
  return absl::OkStatus();
}

absl::Status CommandPipeline::CollectOldest() {
  Batch batch = std::move(inflight_.front());
  inflight_.pop_front();
  absl::StatusOr<std::vector<resp::RespValue>> replies = node_.Receive(batch.pending.size());
  if (!replies.ok()) {
    error_ = absl::Status(replies.status().code(), absl::StrCat("writing to ", node_.Describe(),
                                                                ": ", replies.status().message()));
    return error_;
  }
  stats_.commands_sent += batch.pending.size();
  stats_.bytes_sent += batch.encoded.size();
  ++stats_.batches_sent;
  size_t failures = 0;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (!(*replies)[i].IsError()) continue;
    if (options_.hold_redirects && IsRedirectReply((*replies)[i].str)) {
      HoldRedirected(batch, i, (*replies)[i].str);
      continue;
    }
    if (failures++ == 0) error_ = ReplyError(batch, batch.pending[i], (*replies)[i].str);
  }
  if (failures > 1) {
    error_ = absl::Status(error_.code(), absl::StrCat(error_.message(), " (and ", failures - 1,
                                                      " more error replies in the same batch)"));
  }
  // Keep the buffers for a later batch unless one huge command inflated them.
  if (error_.ok() && batch.encoded.capacity() <= 2 * options_.max_bytes) {
    batch.encoded.clear();
    batch.pending.clear();
    batch.keys.clear();
    spare_ = std::move(batch);
  }
  return error_;
}

absl::Status CommandPipeline::ReplyError(const Batch& batch, const Pending& command,
                                         absl::string_view message) const {
  std::optional<absl::string_view> key;
  if (command.key_index >= 0) key = batch.keys[command.key_index];
  return ReplyErrorStatus(node_.Describe(), command.name, key, message, options_.redact_keys);
}

void CommandPipeline::HoldRedirected(const Batch& batch, size_t index, absl::string_view message) {
  const Pending& command = batch.pending[index];
  const size_t end =
      index + 1 < batch.pending.size() ? batch.pending[index + 1].start : batch.encoded.size();
  RedirectedCommand held;
  held.encoded = batch.encoded.substr(command.start, end - command.start);
  held.name = command.name;
  if (command.key_index >= 0) held.key = batch.keys[command.key_index];
  held.reply = std::string(message);
  redirected_.push_back(std::move(held));
}

}  // namespace rms::engine::writer
