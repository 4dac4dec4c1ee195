// HostileSource: handshake replies, an empty RDB, then an endless command stream.
#include "tests/e2e/engine/hostile_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/engine/resp/resp.h"
#include "tests/support/loopback_listener.h"

namespace rms::e2e {
namespace {

// "REDIS0011", EOF opcode, an all-zero checksum (not verified).
std::string EmptyRdb() { return std::string("REDIS0011\xff", 10) + std::string(8, '\0'); }

std::string ReplyTo(const std::vector<std::string>& args) {
  const std::string name = args.empty() ? "" : absl::AsciiStrToUpper(args[0]);
  if (name == "PING") return "+PONG\r\n";
  if (name == "INFO") return "$0\r\n\r\n";
  if (name == "DBSIZE") return ":0\r\n";
  if (name == "AUTH" || name == "REPLCONF" || name == "SELECT" || name == "CLIENT") {
    return "+OK\r\n";
  }
  return "-ERR unknown command\r\n";
}

}  // namespace

HostileSource::HostileSource(Mode mode) : mode_(mode) {
  test_support::LoopbackListener listener = test_support::ListenOnLoopback(16).value();
  listen_fd_ = listener.fd;
  port_ = listener.port;
  acceptor_ = std::thread([this] { Accept(); });
}

HostileSource::~HostileSource() {
  stop_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    threads.swap(connections_);
  }
  for (std::thread& thread : threads) thread.join();
  absl::MutexLock lock(&mu_);
  for (int fd : fds_) close(fd);
}

void HostileSource::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    absl::MutexLock lock(&mu_);
    fds_.push_back(fd);
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

void HostileSource::Serve(int fd) {
  engine::resp::RespDecoder decoder;
  char buffer[4096];
  while (!stop_) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) return;
    decoder.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
    while (true) {
      auto value = decoder.Next();
      if (!value.ok() || !value->has_value()) break;
      std::vector<std::string> args;
      for (const auto& element : (*value)->elements) args.push_back(element.str);
      if (!args.empty() && absl::AsciiStrToUpper(args[0]) == "PSYNC") {
        const std::string rdb = EmptyRdb();
        const std::string reply = absl::StrCat("+FULLRESYNC ", std::string(40, 'f'), " 0\r\n$",
                                               rdb.size(), "\r\n", rdb);
        if (WriteAll(fd, reply.data(), reply.size())) Stream(fd);
        return;
      }
      const std::string reply = ReplyTo(args);
      if (!WriteAll(fd, reply.data(), reply.size())) return;
    }
  }
}

void HostileSource::Stream(int fd) {
  std::string chunk;
  if (mode_ == Mode::kEndlessArgument) {
    const std::string head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n";
    if (!WriteAll(fd, head.data(), head.size())) return;
    chunk.assign(1 << 16, 'x');
  } else {
    const std::string multi = engine::resp::EncodeCommand({"MULTI"});
    if (!WriteAll(fd, multi.data(), multi.size())) return;
    for (int i = 0; i < 256; ++i) {
      chunk += engine::resp::EncodeCommand({"SET", absl::StrCat("k", i), std::string(200, 'v')});
    }
  }
  while (!stop_ && WriteAll(fd, chunk.data(), chunk.size())) streamed_ += chunk.size();
}

bool HostileSource::WriteAll(int fd, const char* data, size_t size) {
  while (size > 0 && !stop_) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return size == 0;
}

}  // namespace rms::e2e
