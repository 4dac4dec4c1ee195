// RedisClient: a synchronous client for one Redis node (AUTH, commands, pipelines).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/engine/net/tcp_connection.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::redis {

struct Endpoint {
  std::string host;
  int port = 0;
  std::string username;  // ACL user, "" = default
  std::string password;  // "" = none; never logged or put in a status message
  // TLS for every connection to this node (our extension); a copy made for another node of the
  // same instance keeps it, and an empty server_name then checks that node's own host.
  net::TlsSettings tls;
  std::string Describe() const;  // "host:port" (no credentials)
};

struct ClientOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration io_timeout = absl::Seconds(60);
};

// One connection, owned by one thread (Cancel() from any). Errors: UNAVAILABLE (network),
// UNAUTHENTICATED (AUTH refused), DEADLINE_EXCEEDED, CANCELLED; an error reply to Command() is
// FAILED_PRECONDITION carrying the server's message.
class RedisClient {
 public:
  // Connects (with TLS when endpoint.tls.enabled) and authenticates (AUTH [user] password) when
  // a password is set.
  static absl::StatusOr<std::unique_ptr<RedisClient>> Connect(const Endpoint& endpoint,
                                                              ClientOptions options = {});
  // Wraps an established connection to `endpoint` without any I/O, so a caller can keep a
  // pointer to the connection (to Cancel() it) before calling Authenticate().
  static std::unique_ptr<RedisClient> Adopt(std::unique_ptr<net::TcpConnection> connection,
                                            Endpoint endpoint, ClientOptions options = {});
  // AUTH [user] password when the endpoint has a password (else nothing). UNAUTHENTICATED with
  // the server's reason (never the password) when refused.
  absl::Status Authenticate();

  // Sends one command and returns its reply (an error reply becomes FAILED_PRECONDITION).
  absl::StatusOr<resp::RespValue> Command(absl::Span<const std::string> args);
  absl::StatusOr<resp::RespValue> Command(std::initializer_list<absl::string_view> args);
  // Sends pre-encoded commands, then reads `count` replies in order (error replies included).
  absl::StatusOr<std::vector<resp::RespValue>> Pipeline(absl::string_view encoded, size_t count);

  // Raw access for protocols that leave request/reply (replication).
  absl::Status Send(absl::string_view bytes);
  absl::StatusOr<resp::RespValue> ReadReply();
  net::TcpConnection& connection() { return *connection_; }
  resp::RespDecoder& decoder() { return decoder_; }
  const Endpoint& endpoint() const { return endpoint_; }
  void Cancel() { connection_->Cancel(); }

 private:
  RedisClient(std::unique_ptr<net::TcpConnection> connection, Endpoint endpoint,
              ClientOptions options);

  std::unique_ptr<net::TcpConnection> connection_;
  Endpoint endpoint_;
  ClientOptions options_;
  resp::RespDecoder decoder_;
};

}  // namespace rms::engine::redis
