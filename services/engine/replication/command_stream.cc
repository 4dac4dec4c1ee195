// CommandStream: RESP arrays from the link, exact offsets, GETACK answered with applied offsets.
#include "services/engine/replication/command_stream.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::engine::replication {
namespace {

// The stream carries flat commands only: no nesting.
resp::DecoderLimits StreamLimits() {
  resp::DecoderLimits limits;
  limits.max_depth = 1;
  return limits;
}

}  // namespace

CommandStream::CommandStream(ReplicationLink& link, absl::Duration write_timeout,
                             absl::Duration ack_interval)
    : link_(link),
      write_timeout_(write_timeout),
      ack_interval_(ack_interval),
      decoder_(StreamLimits()) {}

void CommandStream::Begin(int64_t start_offset) {
  read_offset_.store(start_offset);
  returned_offset_.store(start_offset);
  applied_offset_.store(start_offset);
  next_ack_ = absl::Now() + ack_interval_;
}

absl::StatusOr<ReplicatedCommand> CommandStream::Next(absl::Time deadline) {
  while (true) {
    absl::StatusOr<std::optional<resp::RespValue>> value = decoder_.Next();
    if (!value.ok()) {
      if (absl::IsResourceExhausted(value.status())) return value.status();
      return absl::DataLossError(
          absl::StrCat("source ", link_.peer(),
                       " sent a malformed replication stream: ", value.status().message()));
    }
    if (value->has_value()) {
      const size_t bytes = decoder_.last_value_bytes();
      read_offset_.fetch_add(static_cast<int64_t>(bytes));
      ASSIGN_OR_RETURN(std::optional<ReplicatedCommand> command, Take(**std::move(value), bytes));
      if (command.has_value()) return *std::move(command);
      continue;
    }
    if (link_.data().empty()) RETURN_IF_ERROR(Receive(deadline));
    decoder_.Feed(link_.data());
    link_.Consume(link_.data().size());
  }
}

absl::Status CommandStream::Receive(absl::Time deadline) {
  while (true) {
    if (ack_interval_ <= absl::ZeroDuration()) return link_.Fill(deadline);
    if (absl::Now() >= next_ack_) RETURN_IF_ERROR(SendAck());
    const absl::Time wake = std::min(deadline, next_ack_);
    absl::Status filled = link_.Fill(wake);
    if (!absl::IsDeadlineExceeded(filled) || wake == deadline) return filled;
  }
}

absl::StatusOr<std::optional<ReplicatedCommand>> CommandStream::Take(resp::RespValue value,
                                                                     size_t bytes) {
  if (value.type != resp::RespValue::Type::kArray) {
    return absl::DataLossError(absl::StrCat("source ", link_.peer(), " sent ", value.Describe(),
                                            " in the replication stream"));
  }
  ReplicatedCommand command;
  command.args.reserve(value.elements.size());
  for (resp::RespValue& arg : value.elements) {
    if (arg.type != resp::RespValue::Type::kBulkString) {
      return absl::DataLossError(absl::StrCat("source ", link_.peer(), " sent a command with ",
                                              arg.Describe(), " as an argument"));
    }
    command.args.push_back(std::move(arg.str));
  }
  if (command.args.empty()) return std::nullopt;  // "*0\r\n": nothing to run, bytes counted
  // "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n": the source asks for our offset.
  if (command.args.size() >= 2 && absl::EqualsIgnoreCase(command.args[0], "REPLCONF") &&
      absl::EqualsIgnoreCase(command.args[1], "GETACK")) {
    RETURN_IF_ERROR(SendAck());
    return std::nullopt;
  }
  command.offset = read_offset();
  command.bytes = bytes;
  returned_offset_.store(command.offset);
  return command;
}

absl::Status CommandStream::SetAppliedOffset(int64_t offset) {
  const int64_t applied = applied_offset();
  const int64_t returned = returned_offset_.load();
  if (offset < applied || offset > returned) {
    return absl::InvalidArgumentError(
        absl::StrCat("applied offset ", offset, " is outside [", applied, ", ", returned, "]"));
  }
  applied_offset_.store(offset);
  return absl::OkStatus();
}

int64_t CommandStream::AckOffset() const {
  const int64_t applied = applied_offset();
  return applied == returned_offset_.load() ? read_offset() : applied;
}

absl::Status CommandStream::SendAck() {
  next_ack_ = absl::Now() + ack_interval_;
  // "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$<n>\r\n<offset>\r\n"
  return link_.Write(resp::EncodeCommand({"REPLCONF", "ACK", absl::StrCat(AckOffset())}),
                     absl::Now() + write_timeout_);
}

}  // namespace rms::engine::replication
