// RedisClient: a synchronous client for one Redis node.
#include "services/engine/redis/redis_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::engine::redis {

std::string Endpoint::Describe() const {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

RedisClient::RedisClient(std::unique_ptr<net::TcpConnection> connection, Endpoint endpoint,
                         ClientOptions options)
    : connection_(std::move(connection)), endpoint_(std::move(endpoint)), options_(options) {}

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Connect(const Endpoint& endpoint,
                                                                  ClientOptions options) {
  ASSIGN_OR_RETURN(auto connection,
                   net::TcpConnection::Connect(endpoint.host, endpoint.port,
                                               options.connect_timeout, endpoint.tls));
  std::unique_ptr<RedisClient> client = Adopt(std::move(connection), endpoint, options);
  RETURN_IF_ERROR(client->Authenticate());
  return client;
}

std::unique_ptr<RedisClient> RedisClient::Adopt(std::unique_ptr<net::TcpConnection> connection,
                                                Endpoint endpoint, ClientOptions options) {
  return std::unique_ptr<RedisClient>(
      new RedisClient(std::move(connection), std::move(endpoint), options));
}

absl::Status RedisClient::Authenticate() {
  if (endpoint_.password.empty()) return absl::OkStatus();
  std::vector<std::string> auth = {"AUTH"};
  if (!endpoint_.username.empty()) auth.push_back(endpoint_.username);
  auth.push_back(endpoint_.password);
  RETURN_IF_ERROR(Send(resp::EncodeCommand(auth)));
  ASSIGN_OR_RETURN(resp::RespValue reply, ReadReply());
  if (reply.IsError()) {
    // The server's message ("WRONGPASS ...") never contains the password.
    return absl::UnauthenticatedError(
        absl::StrCat("authentication to ", endpoint_.Describe(), " failed: ", reply.str));
  }
  return absl::OkStatus();
}

absl::Status RedisClient::Send(absl::string_view bytes) {
  return connection_->WriteAll(bytes, absl::Now() + options_.io_timeout);
}

absl::StatusOr<resp::RespValue> RedisClient::ReadReply() {
  char buffer[64 * 1024];
  while (true) {
    ASSIGN_OR_RETURN(std::optional<resp::RespValue> value, decoder_.Next());
    if (value) return *std::move(value);
    ASSIGN_OR_RETURN(
        size_t n, connection_->ReadSome(buffer, sizeof(buffer), absl::Now() + options_.io_timeout));
    if (n == 0) {
      return absl::UnavailableError(
          absl::StrCat("connection to ", endpoint_.Describe(), " closed by the server"));
    }
    decoder_.Feed(absl::string_view(buffer, n));
  }
}

absl::StatusOr<resp::RespValue> RedisClient::Command(absl::Span<const std::string> args) {
  RETURN_IF_ERROR(Send(resp::EncodeCommand(args)));
  ASSIGN_OR_RETURN(resp::RespValue reply, ReadReply());
  if (reply.IsError()) {
    return absl::FailedPreconditionError(absl::StrCat(
        endpoint_.Describe(), " refused ", args.empty() ? "" : args[0], ": ", reply.str));
  }
  return reply;
}

absl::StatusOr<resp::RespValue> RedisClient::Command(
    std::initializer_list<absl::string_view> args) {
  std::vector<std::string> owned(args.begin(), args.end());
  return Command(owned);
}

absl::StatusOr<std::vector<resp::RespValue>> RedisClient::Pipeline(absl::string_view encoded,
                                                                   size_t count) {
  RETURN_IF_ERROR(Send(encoded));
  std::vector<resp::RespValue> replies;
  replies.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(resp::RespValue reply, ReadReply());
    replies.push_back(std::move(reply));
  }
  return replies;
}

}  // namespace rms::engine::redis
