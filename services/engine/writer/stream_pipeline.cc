// StreamPipeline: batches written without waiting, replies matched to batches as they arrive.
#include "services/engine/writer/stream_pipeline.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/writer/command_pipeline.h"
#include "services/engine/writer/reply_errors.h"

namespace rms::engine::writer {
namespace {

constexpr size_t kReadChunkBytes = 64u << 10;
constexpr size_t kSpareBatches = 8;

// The index of the first error inside an EXEC reply (`*<n>` of the queued commands' replies), or
// -1 when none.
int ErrorInside(const resp::RespValue& reply) {
  if (reply.type != resp::RespValue::Type::kArray) return -1;
  for (size_t i = 0; i < reply.elements.size(); ++i) {
    if (reply.elements[i].IsError()) return static_cast<int>(i);
  }
  return -1;
}

bool IsMulti(absl::string_view encoded) {
  return encoded.substr(0, 15) == "*1\r\n$5\r\nMULTI\r\n";
}
bool IsExec(absl::string_view encoded) { return encoded.substr(0, 14) == "*1\r\n$4\r\nEXEC\r\n"; }

}  // namespace

StreamPipeline::StreamPipeline(redis::RedisClient& client, StreamPipelineOptions options)
    : client_(client), options_(options), read_buffer_(kReadChunkBytes) {
  options_.batch_commands = std::max<size_t>(options_.batch_commands, 1);
  options_.batch_bytes = std::max<size_t>(options_.batch_bytes, 1);
}

void StreamPipeline::Add(absl::Span<const std::string> args, std::optional<StreamMark> after) {
  std::string encoded;
  resp::AppendCommandStrings(encoded, args);
  AddEncoded(encoded, after);
}

void StreamPipeline::AddEncoded(absl::string_view command, std::optional<StreamMark> after) {
  StreamMark unknown;  // offset -1
  open_.after.push_back(after.value_or(unknown));
  open_.starts.push_back(static_cast<uint32_t>(open_.bytes.size()));
  open_.bytes.append(command.data(), command.size());
}

void StreamPipeline::DiscardOpen() {
  open_.bytes.clear();
  open_.starts.clear();
  open_.after.clear();
}

bool StreamPipeline::open_full() const {
  return open_.starts.size() >= options_.batch_commands ||
         open_.bytes.size() >= options_.batch_bytes;
}

StreamPipeline::Batch StreamPipeline::SpareBatch() {
  if (spare_.empty()) return Batch();
  Batch batch = std::move(spare_.back());
  spare_.pop_back();
  return batch;
}

absl::Status StreamPipeline::Send(const StreamMark& mark) {
  if (!error_.ok()) return error_;
  Batch batch = std::exchange(open_, SpareBatch());
  batch.mark = mark;
  batch.replies = 0;
  if (!batch.starts.empty()) {
    absl::Status written =
        client_.connection().WriteAll(batch.bytes, absl::Now() + options_.reply_timeout);
    if (!written.ok()) return Broken(written);
    if (inflight_.empty()) last_progress_ = absl::Now();
    unacked_bytes_ += batch.bytes.size();
    stats_.peak_unacked_bytes = std::max(stats_.peak_unacked_bytes, unacked_bytes_);
  }
  inflight_.push_back(std::move(batch));
  AcknowledgeCompleted();
  // Take what already arrived without waiting, then respect the bound on unacknowledged bytes.
  absl::Status read = ReadOnce(absl::InfinitePast());
  if (!read.ok() && !absl::IsDeadlineExceeded(read)) return read;
  while (unacked_bytes_ > options_.max_unacked_bytes) {
    read = ReadOnce(last_progress_ + options_.reply_timeout);
    if (absl::IsDeadlineExceeded(read) && absl::Now() >= last_progress_ + options_.reply_timeout) {
      return Broken(absl::DeadlineExceededError(
          absl::StrCat("no reply for ", absl::FormatDuration(options_.reply_timeout), " (",
                       unacked_bytes_, " bytes of commands unacknowledged)")));
    }
    if (!read.ok() && !absl::IsDeadlineExceeded(read)) return read;
  }
  return absl::OkStatus();
}

absl::Status StreamPipeline::Collect(absl::Time deadline) {
  if (!error_.ok()) return error_;
  while (!inflight_.empty()) {
    const absl::Time silent_until = last_progress_ + options_.reply_timeout;
    absl::Status read = ReadOnce(std::min(deadline, silent_until));
    if (absl::IsDeadlineExceeded(read)) {
      if (absl::Now() < silent_until) return absl::OkStatus();  // the caller's deadline
      return Broken(absl::DeadlineExceededError(
          absl::StrCat("no reply for ", absl::FormatDuration(options_.reply_timeout))));
    }
    RETURN_IF_ERROR(read);
  }
  return absl::OkStatus();
}

absl::Status StreamPipeline::ReadOnce(absl::Time deadline) {
  RETURN_IF_ERROR(TakeDecodedReplies());
  if (inflight_.empty()) return absl::OkStatus();
  absl::StatusOr<size_t> n =
      client_.connection().ReadSome(read_buffer_.data(), read_buffer_.size(), deadline);
  if (absl::IsDeadlineExceeded(n.status())) return n.status();
  absl::Status lost = n.ok() ? absl::OkStatus() : n.status();
  if (n.ok() && *n == 0) lost = absl::UnavailableError("connection closed by the server");
  if (!lost.ok()) return refused_ ? lost : Broken(lost);  // settling keeps the refusal
  client_.decoder().Feed(absl::string_view(read_buffer_.data(), *n));
  return TakeDecodedReplies();
}

absl::Status StreamPipeline::TakeDecodedReplies() {
  while (!inflight_.empty()) {
    absl::StatusOr<std::optional<resp::RespValue>> reply = client_.decoder().Next();
    if (!reply.ok()) {
      return Broken(
          absl::DataLossError(absl::StrCat("malformed reply: ", reply.status().message())));
    }
    if (!reply->has_value()) return absl::OkStatus();
    RETURN_IF_ERROR(TakeReply(**reply));
  }
  return absl::OkStatus();
}

absl::Status StreamPipeline::TakeReply(const resp::RespValue& reply) {
  if (refused_) {
    TakeSettlingReply(reply);
    return absl::OkStatus();
  }
  Batch& batch = inflight_.front();  // a batch with commands: empty ones are acknowledged at once
  const size_t index = batch.replies++;
  last_progress_ = absl::Now();
  if (reply.IsError()) {
    AcknowledgeBefore(batch, index);
    error_ = CommandError(batch, index, reply.str);
    refused_ = true;
    DropSettledBatches();
    return error_;
  }
  const size_t start = batch.starts[index];
  if (const int inner = ErrorInside(reply);
      inner >= 0 && IsExec(absl::string_view(batch.bytes).substr(start))) {
    return RefusedInsideExec(batch, index, reply, inner);
  }
  AcknowledgeCompleted();
  return absl::OkStatus();
}

absl::Status StreamPipeline::RefusedInsideExec(Batch& batch, size_t index,
                                               const resp::RespValue& reply, int inner) {
  // The transaction ran, except its refused commands: it counts as applied (a resume starts after
  // its EXEC and never runs it again) and the task fails naming the first refused command.
  if (batch.after[index].offset >= 0) {
    acked_ = batch.after[index];
    stats_.commands_acked += index + 1;
  } else {
    AcknowledgeBefore(batch, index);
  }
  size_t multi = index;
  while (multi > 0 && !IsMulti(absl::string_view(batch.bytes).substr(batch.starts[multi]))) {
    --multi;
  }
  const size_t queued = multi + 1 + static_cast<size_t>(inner);
  const absl::Status refused =
      CommandError(batch, queued < index ? queued : index, reply.elements[inner].str);
  error_ = absl::Status(refused.code(),
                        absl::StrCat(refused.message(), " (inside a transaction of ",
                                     reply.elements.size(),
                                     " commands whose others the target applied: it counts as "
                                     "applied and is not sent again; repair that write by hand)"));
  refused_ = true;
  DropSettledBatches();
  return error_;
}

absl::Status StreamPipeline::SettleAfterRefusal(absl::Time deadline) {
  if (!refused_) return error_;
  DropSettledBatches();
  while (!inflight_.empty()) {
    absl::Status read = ReadOnce(deadline);
    if (!read.ok()) return read;
  }
  return absl::OkStatus();
}

void StreamPipeline::TakeSettlingReply(const resp::RespValue& reply) {
  Batch& batch = inflight_.front();
  const size_t index = batch.replies++;
  // A transaction that partly failed counts as applied, as the refused one does; it is reported.
  const bool applied = !reply.IsError();
  if (applied && batch.after[index].offset >= 0) {
    applied_after_refusal_.push_back(batch.after[index].offset);
  }
  if (const int inner = ErrorInside(reply);
      inner >= 0 && IsExec(absl::string_view(batch.bytes).substr(batch.starts[index]))) {
    partly_failed_after_refusal_.push_back(
        std::string(CommandError(batch, index, reply.elements[inner].str).message()));
  }
  DropSettledBatches();
}

void StreamPipeline::DropSettledBatches() {
  while (!inflight_.empty() && inflight_.front().replies == inflight_.front().starts.size()) {
    unacked_bytes_ -= inflight_.front().bytes.size();
    inflight_.pop_front();
  }
}

void StreamPipeline::AcknowledgeBefore(const Batch& batch, size_t index) {
  // Every earlier batch is acknowledged (replies come in order); so are the commands of this one
  // before `index`, whose replies were not errors, up to the last one with a known position.
  for (size_t j = index; j-- > 0;) {
    if (batch.after[j].offset < 0) continue;
    acked_ = batch.after[j];
    stats_.commands_acked += j + 1;
    return;
  }
}

void StreamPipeline::AcknowledgeCompleted() {
  while (!inflight_.empty() && inflight_.front().replies == inflight_.front().starts.size()) {
    Batch done = std::move(inflight_.front());
    inflight_.pop_front();
    acked_ = done.mark;
    unacked_bytes_ -= done.bytes.size();
    stats_.commands_acked += done.starts.size();
    stats_.bytes_acked += done.bytes.size();
    ++stats_.batches_acked;
    if (spare_.size() < kSpareBatches && done.bytes.capacity() <= 2 * options_.batch_bytes) {
      done.bytes.clear();
      done.starts.clear();
      done.after.clear();
      spare_.push_back(std::move(done));
    }
  }
}

absl::Status StreamPipeline::CommandError(const Batch& batch, size_t index,
                                          absl::string_view message) const {
  // Decode the refused command again from the batch: names are only needed on failure.
  const size_t start = batch.starts[index];
  const size_t end = index + 1 < batch.starts.size() ? batch.starts[index + 1] : batch.bytes.size();
  resp::RespDecoder decoder;
  decoder.Feed(absl::string_view(batch.bytes).substr(start, end - start));
  std::vector<std::string> args;
  if (absl::StatusOr<std::optional<resp::RespValue>> value = decoder.Next();
      value.ok() && value->has_value()) {
    for (resp::RespValue& arg : (*value)->elements) args.push_back(std::move(arg.str));
  }
  std::vector<absl::string_view> views(args.begin(), args.end());
  return ReplyErrorStatus(client_.endpoint().Describe(), CommandName(views), KeyOfCommand(args),
                          message, options_.redact_keys);
}

absl::Status StreamPipeline::Broken(const absl::Status& status) {
  error_ = absl::Status(status.code(),
                        absl::StrCat("writing the stream to ", client_.endpoint().Describe(), ": ",
                                     status.message()));
  return error_;
}

}  // namespace rms::engine::writer
