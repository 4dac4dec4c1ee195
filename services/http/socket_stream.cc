// SocketStream: recv/send on a non-blocking socket, poll() with the time left to the deadline.
#include "services/http/socket_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace rms::http {

absl::Status WaitForFd(int fd, short events, absl::Time deadline) {
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("socket deadline");
    pollfd p{fd, events, 0};
    const int ms = static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000));
    const int ready = poll(&p, 1, ms);
    if (ready > 0) return absl::OkStatus();
    if (ready < 0 && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("poll: ", std::strerror(errno)));
    }
  }
}

absl::StatusOr<size_t> SocketStream::Read(char* buf, size_t n, absl::Time deadline) {
  while (true) {
    const ssize_t got = recv(fd_, buf, n, 0);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
    }
    if (absl::Status s = WaitForFd(fd_, POLLIN, deadline); !s.ok()) return s;
  }
}

absl::Status SocketStream::Write(absl::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    const ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      data.remove_prefix(static_cast<size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
    }
    if (absl::Status s = WaitForFd(fd_, POLLOUT, deadline); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void SocketStream::ShutdownWrite() { shutdown(fd_, SHUT_WR); }

}  // namespace rms::http
