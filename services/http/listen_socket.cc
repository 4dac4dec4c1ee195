// ListenOn: getaddrinfo (numeric only), SO_REUSEADDR, bind, listen.
#include "services/http/listen_socket.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace rms::http {

absl::StatusOr<int> ListenOn(const std::string& host, int port, int* bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* info = nullptr;
  const std::string where = absl::StrCat(host, ":", port);
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &info) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", where, ": not a numeric host"));
  }
  const int fd = socket(info->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  const int one = 1;
  bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
            bind(fd, info->ai_addr, info->ai_addrlen) == 0 && listen(fd, 128) == 0;
  freeaddrinfo(info);
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ok = ok && getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0;
  if (!ok) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", where));
  }
  *bound_port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return fd;
}

}  // namespace rms::http
