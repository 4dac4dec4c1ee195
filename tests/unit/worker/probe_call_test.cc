// Unit tests of ProbeCall against a loopback peer that answers one byte at a time: the overall
// deadline bounds the call however steadily the bytes trickle in.
#include "services/worker/probe_call.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "tests/support/loopback_listener.h"

namespace rms::worker {
namespace {

// Accepts one connection and sends `reply` one byte every `pace` until done or stopped.
class SlowPeer {
 public:
  SlowPeer(std::string reply, absl::Duration pace) {
    test_support::LoopbackListener listener = test_support::ListenOnLoopback(1).value();
    listen_fd_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this, reply, pace] {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      for (char c : reply) {
        if (fd < 0 || stop_.WaitForNotificationWithTimeout(pace)) break;
        if (send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
      }
      stop_.WaitForNotification();
      if (fd >= 0) close(fd);
    });
  }
  ~SlowPeer() {
    stop_.Notify();
    shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  absl::Notification stop_;
  std::thread thread_;
};

TEST(ProbeCallTest, TricklingPeerIsCutAtTheOverallDeadline) {
  SlowPeer peer("$40\r\n" + std::string(40, 'x') + "\r\n", absl::Milliseconds(50));
  engine::redis::Endpoint endpoint{"127.0.0.1", peer.port()};
  std::unique_ptr<engine::redis::RedisClient> client;
  const absl::Time start = absl::Now();
  auto reply = ProbeCall(endpoint, &client, {"INFO", "keyspace"}, absl::Milliseconds(500));
  const absl::Duration took = absl::Now() - start;
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(client, nullptr);                 // the connection is dropped, not reused
  EXPECT_LT(took, absl::Milliseconds(1500));  // the whole reply would take 2.4 s
}

TEST(ProbeCallTest, PromptPeerAnswers) {
  SlowPeer peer("+OK\r\n", absl::ZeroDuration());
  engine::redis::Endpoint endpoint{"127.0.0.1", peer.port()};
  std::unique_ptr<engine::redis::RedisClient> client;
  auto reply = ProbeCall(endpoint, &client, {"PING"}, absl::Seconds(5));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->value.str, "OK");
  EXPECT_TRUE(reply->connected);
  EXPECT_NE(client, nullptr);
}

}  // namespace
}  // namespace rms::worker
