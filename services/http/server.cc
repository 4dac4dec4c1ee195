// Server: accept loop (poll on the listening socket and a wake-up pipe), admission against the
// connection cap, one thread per connection, joined when it finishes or at Stop().
#include "services/http/server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "services/common/errors.h"
#include "services/common/status_macros.h"
#include "services/http/listen_socket.h"
#include "services/http/response_writer.h"
#include "services/http/socket_stream.h"
#include "services/http/tls_stream.h"

namespace rms::http {

Server::Server(ServerOptions options, Handler handler, Rejecter rejecter)
    : options_(std::move(options)), handler_(std::move(handler)), rejecter_(std::move(rejecter)) {}

Server::~Server() { Stop(); }

absl::Status Server::Start(const std::string& host, int port) {
  if (!options_.tls_client_ca_file.empty() && options_.tls_cert_file.empty()) {
    return absl::InvalidArgumentError("a client CA file needs the TLS certificate and key");
  }
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    ASSIGN_OR_RETURN(tls_, TlsContext::Load(options_.tls_cert_file, options_.tls_key_file,
                                            options_.tls_client_ca_file));
  }
  ASSIGN_OR_RETURN(listen_fd_, ListenOn(host, port, &port_));
  if (pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) return absl::InternalError("pipe2 failed");
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return absl::OkStatus();
}

void Server::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    poll(fds, 2, 1000);
    Reap();
    if (stopping_.load() || !(fds[0].revents & POLLIN)) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(fd);
    } else if (errno == EMFILE || errno == ENFILE) {
      // Out of descriptors: the pending connection stays queued; wait instead of spinning.
      pollfd wake{wake_fds_[0], POLLIN, 0};
      poll(&wake, 1, 100);
    }
  }
}

void Server::Admit(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // no Nagle delay on replies
  absl::MutexLock lock(&mu_);
  const size_t active = connections_.size() - finished_.size();
  if (active < static_cast<size_t>(options_.max_connections)) {
    const uint64_t id = next_id_++;
    connections_[id] = Connection{fd, std::thread([this, fd, id] { Serve(fd, id); })};
    return;
  }
  if (!tls_) {
    // The reply fits in the socket buffer; a client that never reads cannot block this thread.
    SocketStream stream(fd);
    const Response busy = rejecter_(errors::TooManyConnections());
    (void)stream.Write(SerializeResponse(busy, false, true), absl::Now() + absl::Milliseconds(100));
    char sink[4096];
    while (recv(fd, sink, sizeof(sink), 0) > 0) {
    }
  }
  shutdown(fd, SHUT_WR);
  close(fd);
}

void Server::Serve(int fd, uint64_t id) {
  std::unique_ptr<ByteStream> stream;
  if (tls_) {
    auto tls_stream = tls_->Accept(fd, absl::Now() + options_.limits.header_timeout);
    if (tls_stream.ok()) stream = std::move(*tls_stream);
  } else {
    stream = std::make_unique<SocketStream>(fd);
  }
  if (stream) ServeConnection(*stream, options_.limits, handler_, rejecter_, stopping_);
  stream.reset();
  absl::MutexLock lock(&mu_);
  finished_.push_back(id);
}

void Server::Reap() {
  std::vector<Connection> done;
  {
    absl::MutexLock lock(&mu_);
    for (uint64_t id : finished_) {
      auto it = connections_.find(id);
      done.push_back(std::move(it->second));
      connections_.erase(it);
    }
    finished_.clear();
  }
  for (Connection& connection : done) {
    connection.thread.join();
    close(connection.fd);
  }
}

int Server::ActiveConnections() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(connections_.size() - finished_.size());
}

void Server::Stop() {
  if (accept_thread_.joinable()) {
    stopping_.store(true);
    (void)!write(wake_fds_[1], "x", 1);
    accept_thread_.join();
  }
  std::map<uint64_t, Connection> all;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, connection] : connections_) shutdown(connection.fd, SHUT_RD);
    all.swap(connections_);
    finished_.clear();
  }
  for (auto& [id, connection] : all) {
    connection.thread.join();
    close(connection.fd);
  }
  for (int* fd : {&listen_fd_, &wake_fds_[0], &wake_fds_[1]}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

}  // namespace rms::http
