// CommandStream: RESP arrays from the link, exact offsets, GETACK answered with applied offsets.
#include "services/engine/replication/command_stream.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/io/memory_budget.h"

namespace rms::engine::replication {
namespace {

// The stream carries flat commands only: arrays of bulk strings.
resp::DecoderLimits StreamLimits() { return resp::DecoderLimits(); }

}  // namespace

CommandStream::CommandStream(ReplicationLink& link, absl::Duration write_timeout,
                             absl::Duration ack_interval, size_t max_command_bytes)
    : link_(link),
      write_timeout_(write_timeout),
      ack_interval_(ack_interval),
      max_command_bytes_(max_command_bytes),
      framer_(StreamLimits()) {}

void CommandStream::Begin(int64_t start_offset) {
  read_offset_.store(start_offset);
  returned_offset_.store(start_offset);
  applied_offset_.store(start_offset);
  next_ack_ = absl::Now() + ack_interval_;
}

ReplicatedCommand ToReplicatedCommand(const RawReplicatedCommand& raw) {
  ReplicatedCommand command;
  command.args.reserve(raw.args.size());
  for (absl::string_view arg : raw.args) command.args.emplace_back(arg.data(), arg.size());
  command.offset = raw.offset;
  command.bytes = raw.bytes.size();
  return command;
}

absl::StatusOr<ReplicatedCommand> CommandStream::Next(absl::Time deadline) {
  ASSIGN_OR_RETURN(RawReplicatedCommand raw, NextRaw(deadline));
  return ToReplicatedCommand(raw);
}

absl::StatusOr<RawReplicatedCommand> CommandStream::NextRaw(absl::Time deadline) {
  link_.Consume(std::exchange(returned_bytes_, 0));
  while (true) {
    const absl::string_view data = link_.data();
    absl::StatusOr<size_t> size = data.empty() ? size_t{0} : framer_.Frame(data);
    if (!size.ok()) {
      if (absl::IsResourceExhausted(size.status())) return size.status();
      return absl::DataLossError(
          absl::StrCat("source ", link_.peer(),
                       " sent a malformed replication stream: ", size.status().message()));
    }
    if (*size == 0) {
      if (data.size() >= max_command_bytes_) return TooLarge(data.size());
      RETURN_IF_ERROR(Receive(deadline));
      continue;
    }
    read_offset_.fetch_add(static_cast<int64_t>(*size));
    ASSIGN_OR_RETURN(bool own, TakeOwn(framer_.args()));
    if (own) {
      link_.Consume(*size);
      continue;
    }
    RawReplicatedCommand command;
    command.bytes = data.substr(0, *size);
    command.args = framer_.args();
    command.offset = read_offset();
    returned_offset_.store(command.offset);
    returned_bytes_ = *size;
    return command;
  }
}

absl::Status CommandStream::TooLarge(size_t buffered) const {
  constexpr size_t kMiB = 1u << 20;
  return io::LimitError(
      io::kCommandTooLarge,
      absl::StrCat("source ", link_.peer(), " sent a command still incomplete after ",
                   buffered / kMiB, " MiB (limit ", max_command_bytes_ / kMiB,
                   " MiB, --max-command-mb): raise --max-command-mb if the source really writes "
                   "such commands (Redis itself caps one argument at proto-max-bulk-len)"));
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

absl::StatusOr<bool> CommandStream::TakeOwn(absl::Span<const absl::string_view> args) {
  if (args.empty()) return true;  // "*0\r\n": nothing to run, bytes counted
  // "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n": the source asks for our offset.
  if (args.size() >= 2 && absl::EqualsIgnoreCase(args[0], "REPLCONF") &&
      absl::EqualsIgnoreCase(args[1], "GETACK")) {
    RETURN_IF_ERROR(SendAck());
    return true;
  }
  return false;
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
