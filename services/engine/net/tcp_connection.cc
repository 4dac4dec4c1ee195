// TcpConnection: non-blocking socket + poll(2) on it and an eventfd for Cancel(); TLS through
// TlsClient when asked.
#include "services/engine/net/tcp_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "services/engine/net/tls_client.h"

namespace rms::engine::net {
namespace {

int PollTimeoutMs(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
}

absl::Status ErrnoStatus(absl::string_view what, absl::string_view peer, int error) {
  return absl::UnavailableError(absl::StrCat(what, " ", peer, ": ", std::strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpConnection>> TcpConnection::Connect(const std::string& host,
                                                                      int port,
                                                                      absl::Duration timeout,
                                                                      const TlsSettings& tls) {
  const std::string peer = host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                                               : absl::StrCat(host, ":", port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", peer, ": ", gai_strerror(rc)));
  }
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::UnavailableError(absl::StrCat("cannot connect to ", peer));
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    std::unique_ptr<TcpConnection> conn(new TcpConnection(fd, wake, peer));
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = ErrnoStatus("cannot connect to", peer, errno);
      continue;
    }
    if (absl::Status ready = conn->WaitReady(POLLOUT, deadline); !ready.ok()) {
      // A peer that does not answer in time is unreachable (retry later), not a slow call.
      last = absl::IsDeadlineExceeded(ready)
                 ? absl::UnavailableError(absl::StrCat("timed out connecting to ", peer))
                 : ready;
      continue;
    }
    int error = 0;
    socklen_t len = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
      last = ErrnoStatus("cannot connect to", peer, error);
      continue;
    }
    freeaddrinfo(found);
    if (tls.enabled) {
      if (absl::Status started = conn->StartTls(tls, host, deadline); !started.ok()) return started;
    }
    return conn;
  }
  freeaddrinfo(found);
  return last;
}

TcpConnection::TcpConnection(int fd, int wake_fd, std::string peer)
    : fd_(fd), wake_fd_(wake_fd), peer_(std::move(peer)) {}

TcpConnection::~TcpConnection() {
  tls_.reset();  // before the socket it uses is closed
  ::close(fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void TcpConnection::Cancel() {
  if (cancelled_.exchange(true)) return;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
}

absl::Status TcpConnection::WaitReady(short events, absl::Time deadline) {
  while (true) {
    if (cancelled_.load())
      return absl::CancelledError(absl::StrCat("connection to ", peer_, " cancelled"));
    pollfd fds[2] = {{fd_, events, 0}, {wake_fd_, POLLIN, 0}};
    int rc = ::poll(fds, 2, PollTimeoutMs(deadline));
    if (rc < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("poll on", peer_, errno);
    }
    if (cancelled_.load())
      return absl::CancelledError(absl::StrCat("connection to ", peer_, " cancelled"));
    if (rc == 0) return absl::DeadlineExceededError(absl::StrCat("timed out talking to ", peer_));
    if (fds[0].revents != 0) return absl::OkStatus();
  }
}

absl::Status TcpConnection::StartTls(const TlsSettings& tls, const std::string& host,
                                     absl::Time deadline) {
  absl::StatusOr<std::unique_ptr<TlsClient>> client = TlsClient::Create(fd_, tls, host, peer_);
  if (!client.ok()) return client.status();
  while (true) {
    absl::StatusOr<TlsClient::Progress> step = (*client)->Handshake();
    if (!step.ok()) return step.status();
    if (step->want == 0) break;
    if (absl::Status ready = WaitReady(step->want, deadline); !ready.ok()) {
      return absl::IsDeadlineExceeded(ready) ? absl::UnavailableError(absl::StrCat(
                                                   "timed out in the TLS handshake with ", peer_))
                                             : ready;
    }
  }
  tls_ = *std::move(client);
  return absl::OkStatus();
}

absl::Status TcpConnection::TlsWriteAll(absl::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    if (cancelled_.load())
      return absl::CancelledError(absl::StrCat("connection to ", peer_, " cancelled"));
    absl::StatusOr<TlsClient::Progress> step = tls_->Write(data);
    if (!step.ok()) return step.status();
    data.remove_prefix(step->bytes);
    if (step->want != 0) {
      if (absl::Status s = WaitReady(step->want, deadline); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> TcpConnection::TlsReadSome(char* out, size_t max, absl::Time deadline) {
  while (true) {
    if (cancelled_.load())
      return absl::CancelledError(absl::StrCat("connection to ", peer_, " cancelled"));
    absl::StatusOr<TlsClient::Progress> step = tls_->Read(out, max);
    if (!step.ok()) return step.status();
    if (step->want == 0) return step->bytes;
    if (absl::Status s = WaitReady(step->want, deadline); !s.ok()) return s;
  }
}

absl::Status TcpConnection::WriteAll(absl::string_view data, absl::Time deadline) {
  if (tls_ != nullptr) return TlsWriteAll(data, deadline);
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (absl::Status s = WaitReady(POLLOUT, deadline); !s.ok()) return s;
      continue;
    }
    return ErrnoStatus("cannot write to", peer_, errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> TcpConnection::ReadSome(char* out, size_t max, absl::Time deadline) {
  if (tls_ != nullptr) return TlsReadSome(out, max, deadline);
  while (true) {
    if (cancelled_.load())
      return absl::CancelledError(absl::StrCat("connection to ", peer_, " cancelled"));
    ssize_t n = ::recv(fd_, out, max, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return ErrnoStatus("cannot read from", peer_, errno);
    if (absl::Status s = WaitReady(POLLIN, deadline); !s.ok()) return s;
  }
}

}  // namespace rms::engine::net
