// ProbeCall: a timer thread cancels the probe's connection when the call overruns.
#include "services/worker/probe_call.h"

#include <thread>

#include "absl/synchronization/notification.h"
#include "services/common/status_macros.h"

namespace rms::worker {
namespace {

// Cancels `connection` at `deadline` unless destroyed first.
class CallDeadline {
 public:
  CallDeadline(engine::net::TcpConnection& connection, absl::Time deadline)
      : thread_([this, &connection, deadline] {
          if (!done_.WaitForNotificationWithDeadline(deadline)) connection.Cancel();
        }) {}
  ~CallDeadline() {
    done_.Notify();
    thread_.join();
  }

 private:
  absl::Notification done_;
  std::thread thread_;
};

absl::Status Open(const engine::redis::Endpoint& endpoint,
                  std::unique_ptr<engine::redis::RedisClient>* client, absl::Time deadline) {
  ASSIGN_OR_RETURN(auto connection,
                   engine::net::TcpConnection::Connect(endpoint.host, endpoint.port,
                                                       deadline - absl::Now(), endpoint.tls));
  engine::redis::ClientOptions options;
  options.io_timeout = deadline - absl::Now();
  *client = engine::redis::RedisClient::Adopt(std::move(connection), endpoint, options);
  CallDeadline guard((*client)->connection(), deadline);
  return (*client)->Authenticate();
}

}  // namespace

absl::StatusOr<ProbeReply> ProbeCall(const engine::redis::Endpoint& endpoint,
                                     std::unique_ptr<engine::redis::RedisClient>* client,
                                     std::initializer_list<absl::string_view> args,
                                     absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  ProbeReply reply;
  if (!*client) {
    reply.connected = true;
    if (absl::Status opened = Open(endpoint, client, deadline); !opened.ok()) {
      client->reset();
      return opened;
    }
  }
  absl::StatusOr<engine::resp::RespValue> value;
  {
    CallDeadline guard((*client)->connection(), deadline);
    value = (*client)->Command(args);
  }
  if (!value.ok()) {
    // An error reply leaves the connection usable; anything else does not.
    if (!absl::IsFailedPrecondition(value.status())) client->reset();
    return value.status();
  }
  reply.value = *std::move(value);
  return reply;
}

}  // namespace rms::worker
