// Test helper: a loopback TCP proxy whose link can be cut or frozen.
#include "tests/support/tcp_proxy.h"

#include "tests/support/loopback_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "absl/strings/match.h"


namespace rms::test_support {
namespace {

constexpr int kPollMillis = 50;

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int ConnectTo(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(port);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Moves up to `max` bytes of what `from` has to `to`, appending them to `*moved` when given;
// false when either side closed or failed.
bool Transfer(int from, int to, size_t max = 16384, std::string* moved = nullptr) {
  char buffer[16384];
  ssize_t n = read(from, buffer, std::min(sizeof(buffer), max));
  if (n <= 0) return false;
  if (moved != nullptr) moved->assign(buffer, static_cast<size_t>(n));
  for (ssize_t sent = 0; sent < n;) {
    ssize_t w = send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
    if (w <= 0) return false;
    sent += w;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpProxy>> TcpProxy::Start(int target_port) {
  absl::StatusOr<LoopbackListener> listener = ListenOnLoopback(64);
  if (!listener.ok()) return listener.status();
  std::unique_ptr<TcpProxy> proxy(new TcpProxy(listener->fd, listener->port, target_port));
  proxy->acceptor_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

TcpProxy::TcpProxy(int listen_fd, int port, int target_port)
    : listen_fd_(listen_fd), port_(port), target_port_(target_port) {}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
  close(listen_fd_);
}

void TcpProxy::SetMode(Mode mode) {
  absl::MutexLock lock(&mu_);
  mode_ = mode;
}

void TcpProxy::TrickleRepliesAfter(std::string trigger, absl::Duration per_byte) {
  absl::MutexLock lock(&mu_);
  trickle_trigger_ = std::move(trigger);
  trickle_per_byte_ = per_byte;
}

bool TcpProxy::Triggers(absl::string_view bytes) const {
  absl::MutexLock lock(&mu_);
  return !trickle_trigger_.empty() && absl::StrContains(bytes, trickle_trigger_);
}

bool TcpProxy::TrickleOne(int server_fd, int client_fd) {
  if (!Transfer(server_fd, client_fd, 1)) return false;
  absl::Duration per_byte;
  {
    absl::MutexLock lock(&mu_);
    per_byte = trickle_per_byte_;
  }
  const absl::Time until = absl::Now() + per_byte;
  while (absl::Now() < until) {  // the pace of the slow peer, checking for the proxy's stop
    if (stopping_ || mode() == Mode::kDown) return false;
    absl::SleepFor(absl::Milliseconds(kPollMillis));
  }
  return true;
}

TcpProxy::Mode TcpProxy::mode() const {
  absl::MutexLock lock(&mu_);
  return mode_;
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd listening{listen_fd_, POLLIN, 0};
    if (poll(&listening, 1, kPollMillis) <= 0) continue;
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    int server = mode() == Mode::kDown ? -1 : ConnectTo(target_port_);
    if (server < 0) {
      close(client);
      continue;
    }
    ++accepted_;
    absl::MutexLock lock(&mu_);
    threads_.emplace_back([this, client, server] { Pump(client, server); });
  }
}

void TcpProxy::Pump(int client_fd, int server_fd) {
  pollfd fds[2] = {{client_fd, POLLIN, 0}, {server_fd, POLLIN, 0}};
  bool trickling = false;
  std::string sent;
  while (!stopping_) {
    const Mode current = mode();
    if (current == Mode::kDown) break;
    if (current == Mode::kFrozen) {  // bytes wait in the kernel buffers, unread
      usleep(kPollMillis * 1000);
      continue;
    }
    if (poll(fds, 2, kPollMillis) <= 0) continue;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!Transfer(client_fd, server_fd, 16384, &sent)) break;
      trickling = trickling || Triggers(sent);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!(trickling ? TrickleOne(server_fd, client_fd) : Transfer(server_fd, client_fd))) break;
    }
  }
  close(client_fd);
  close(server_fd);
}

}  // namespace rms::test_support
