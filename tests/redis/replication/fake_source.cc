// FakeSource: a scripted replication source on a loopback port.
#include "tests/redis/replication/fake_source.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace rms::test_redis {
namespace {

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

FakeSource::FakeSource(std::string script, bool close_after_script, std::string replconf_reply)
    : script_(std::move(script)),
      close_after_script_(close_after_script),
      replconf_reply_(std::move(replconf_reply)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(listen_fd_, 1);
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { Serve(); });
}

FakeSource::~FakeSource() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof(one));
  thread_.join();
  absl::MutexLock lock(&mutex_);
  if (connection_fd_ >= 0) ::close(connection_fd_);
  ::close(listen_fd_);
  ::close(stop_fd_);
}

void FakeSource::Serve() {
  pollfd accept_fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  if (::poll(accept_fds, 2, -1) <= 0 || accept_fds[1].revents != 0) return;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  {
    absl::MutexLock lock(&mutex_);
    connection_fd_ = fd;
  }
  char buffer[4096];
  while (true) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) <= 0 || fds[1].revents != 0) return;
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return;
    OnBytes(buffer, static_cast<size_t>(n));
  }
}

void FakeSource::OnBytes(const char* data, size_t n) {
  absl::MutexLock lock(&mutex_);
  decoder_.Feed(absl::string_view(data, n));
  while (true) {
    auto value = decoder_.Next();
    if (!value.ok() || !value->has_value()) break;
    std::vector<std::string> args;
    for (const auto& element : (*value)->elements) args.push_back(element.str);
    const std::string name = args.empty() ? "" : args[0];
    commands_.push_back(std::move(args));
    if (script_sent_) continue;
    if (name == "REPLCONF") SendAll(connection_fd_, replconf_reply_);
    if (name == "PSYNC") {
      script_sent_ = true;
      SendAll(connection_fd_, script_);
      if (close_after_script_) ::shutdown(connection_fd_, SHUT_RDWR);
    }
  }
}

void FakeSource::Send(const std::string& bytes) {
  absl::MutexLock lock(&mutex_);
  SendAll(connection_fd_, bytes);
}

std::vector<std::vector<std::string>> FakeSource::commands() const {
  absl::MutexLock lock(&mutex_);
  return commands_;
}

bool FakeSource::Received(const std::vector<std::string>& args) const {
  absl::MutexLock lock(&mutex_);
  return std::find(commands_.begin(), commands_.end(), args) != commands_.end();
}

absl::StatusOr<std::unique_ptr<engine::replication::ReplicationSession>> OpenOn(
    const FakeSource& fake, const std::string& replid, int64_t applied,
    engine::replication::SessionOptions options) {
  engine::redis::Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = fake.port();
  options.idle_timeout = absl::Seconds(10);
  return engine::replication::ReplicationSession::Open(endpoint, replid, applied, options);
}

}  // namespace rms::test_redis
