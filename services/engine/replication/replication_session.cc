// ReplicationSession: wires the handshake, snapshot and command stream phases to one link.
#include "services/engine/replication/replication_session.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::replication {

ReplicationSession::ReplicationSession(redis::Endpoint source, SessionOptions options)
    : source_(std::move(source)),
      options_(options),
      link_(options.throttle, options.read_chunk_bytes, options.memory_budget),
      snapshot_(link_, options.idle_timeout),
      stream_(link_, options.write_timeout, options.ack_interval, options.max_command_bytes) {}

std::unique_ptr<ReplicationSession> ReplicationSession::Create(redis::Endpoint source,
                                                               SessionOptions options) {
  return std::unique_ptr<ReplicationSession>(new ReplicationSession(std::move(source), options));
}

absl::StatusOr<std::unique_ptr<ReplicationSession>> ReplicationSession::Open(
    const redis::Endpoint& source, absl::string_view replid, int64_t applied_offset,
    SessionOptions options) {
  std::unique_ptr<ReplicationSession> session = Create(source, options);
  RETURN_IF_ERROR(session->Start(replid, applied_offset));
  return session;
}

absl::Status ReplicationSession::Connect() {
  ASSIGN_OR_RETURN(std::unique_ptr<net::TcpConnection> connection,
                   net::TcpConnection::Connect(source_.host, source_.port, options_.connect_timeout,
                                               source_.tls));
  {
    absl::MutexLock lock(&mutex_);
    if (cancelled_) {
      return absl::CancelledError(
          absl::StrCat("replication from ", source_.Describe(), " cancelled"));
    }
    connection_ = connection.get();
  }
  redis::ClientOptions client_options;
  client_options.connect_timeout = options_.connect_timeout;
  client_options.io_timeout = options_.idle_timeout;
  std::unique_ptr<redis::RedisClient> client =
      redis::RedisClient::Adopt(std::move(connection), source_, client_options);
  RETURN_IF_ERROR(client->Authenticate());
  return link_.Attach(std::move(client));
}

absl::Status ReplicationSession::Start(absl::string_view replid, int64_t applied_offset) {
  if (started_) return absl::FailedPreconditionError("replication session already started");
  started_ = true;
  HandshakeRequest request;
  request.replid = std::string(replid);
  request.applied_offset = applied_offset;
  request.listening_port = options_.listening_port;
  request.client_name = options_.client_name;
  request.idle_timeout = options_.idle_timeout;
  if (!request.replid.empty() && applied_offset < 0) {
    return absl::InvalidArgumentError("a resume point needs an applied offset >= 0");
  }
  RETURN_IF_ERROR(Connect());
  ASSIGN_OR_RETURN(reply_, RunHandshake(link_, request));
  stream_.Begin(reply_.offset);
  if (!reply_.full_resync) snapshot_.MarkAbsent();
  return absl::OkStatus();
}

absl::Status ReplicationSession::EnterStream() {
  if (!link_.attached()) return absl::FailedPreconditionError("replication session not started");
  if (reply_.full_resync) {
    char probe;
    ASSIGN_OR_RETURN(size_t n, snapshot_.Read(&probe, 1));
    if (n != 0) {
      return absl::FailedPreconditionError(
          "the command stream was requested before the snapshot was read to its end");
    }
    RETURN_IF_ERROR(stream_.SendAck());
  }
  streaming_ = true;
  return absl::OkStatus();
}

absl::StatusOr<ReplicatedCommand> ReplicationSession::NextCommand(absl::Time deadline) {
  ASSIGN_OR_RETURN(RawReplicatedCommand raw, NextRawCommand(deadline));
  return ToReplicatedCommand(raw);
}

absl::StatusOr<RawReplicatedCommand> ReplicationSession::NextRawCommand(absl::Time deadline) {
  if (!broken_.ok()) return broken_;
  if (!streaming_) {
    if (absl::Status entered = EnterStream(); !entered.ok()) {
      broken_ = entered;
      return entered;
    }
  }
  absl::StatusOr<RawReplicatedCommand> command = stream_.NextRaw(deadline);
  if (!command.ok() && !absl::IsDeadlineExceeded(command.status())) broken_ = command.status();
  if (command.ok() && options_.command_check) {
    if (absl::Status checked = options_.command_check(command->args); !checked.ok()) {
      broken_ = checked;
      return checked;
    }
  }
  if (command.ok() && options_.command_rewrite) {
    absl::StatusOr<std::optional<std::vector<std::string>>> rewritten =
        options_.command_rewrite(command->args);
    if (!rewritten.ok()) {
      broken_ = rewritten.status();
      return rewritten.status();
    }
    if (rewritten->has_value()) {
      rewritten_args_ = **std::move(rewritten);
      rewritten_views_.assign(rewritten_args_.begin(), rewritten_args_.end());
      rewritten_bytes_ = resp::EncodeCommand(rewritten_args_);
      command->args = rewritten_views_;
      command->bytes = rewritten_bytes_;
    }
  }
  return command;
}

absl::Status ReplicationSession::SendAck() {
  if (!broken_.ok()) return broken_;
  if (!streaming_) return absl::OkStatus();
  return stream_.SendAck();
}

void ReplicationSession::Cancel() {
  absl::MutexLock lock(&mutex_);
  cancelled_ = true;
  if (connection_ != nullptr) connection_->Cancel();
}

}  // namespace rms::engine::replication
