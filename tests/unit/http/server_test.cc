// Tests of Server over real loopback sockets: slow clients are cut off while others are
// served, the connection cap, Stop() with idle connections, and HTTPS.
#include "services/http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "tests/support/raw_http_client.h"

namespace rms::http {
namespace {

using test_support::RawConnection;
using test_support::StatusOf;

// Polls `predicate` until it holds or `deadline` passes.
bool WaitFor(const std::function<bool()>& predicate, absl::Time deadline) {
  while (!predicate()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

constexpr char kGet[] = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

std::unique_ptr<Server> StartServer(ServerOptions options) {
  auto server = std::make_unique<Server>(
      options,
      [](const Request& r) {
        return Response{200, {}, "pong " + r.path};
      },
      [](const absl::Status& s) {
        return Response{s.code() == absl::StatusCode::kUnavailable ? 503 : 400,
                        {},
                        std::string(*errors::DcsCodeOf(s))};
      });
  EXPECT_TRUE(server->Start("127.0.0.1", 0).ok());
  return server;
}

absl::Time In(absl::Duration d) { return absl::Now() + d; }

TEST(ServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  ServerOptions options;
  options.limits.header_timeout = absl::Seconds(1);
  std::unique_ptr<Server> server = StartServer(options);
  RawConnection slow = *RawConnection::Connect(server->port());
  std::atomic<bool> done{false};
  // One byte every 250 ms (never a complete head), until the server closes the connection.
  std::thread trickle([&] {
    const std::string head = "GET /slow HTTP/1.1\r\nX-Pad: " + std::string(1000, 'a');
    for (char c : head) {
      if (done.load() || !slow.Send(std::string(1, c))) return;
      absl::SleepFor(absl::Milliseconds(250));  // pacing the slow client, not synchronisation
    }
  });
  const absl::Time started = absl::Now();
  RawConnection other = *RawConnection::Connect(server->port());
  ASSERT_TRUE(other.Send(kGet));
  const std::string answer = other.ReadResponse(In(absl::Seconds(5)));
  EXPECT_EQ(StatusOf(answer), 200);
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(900));  // served during the trickle
  const std::string refusal = slow.ReadResponse(In(absl::Seconds(5)));
  EXPECT_EQ(StatusOf(refusal), 400) << refusal;  // the rejecter above: 408 is DCS.4408
  EXPECT_TRUE(absl::EndsWith(refusal, "DCS.4408"));
  EXPECT_TRUE(slow.ClosedBy(In(absl::Seconds(5))));
  EXPECT_LT(absl::Now() - started, absl::Seconds(5));  // header timeout + 2 s linger
  done.store(true);
  trickle.join();
}

TEST(ServerTest, ConnectionCapAnswers503AndFreesSlots) {
  ServerOptions options;
  options.max_connections = 2;
  std::unique_ptr<Server> server = StartServer(options);
  RawConnection first = *RawConnection::Connect(server->port());
  RawConnection second = *RawConnection::Connect(server->port());
  ASSERT_TRUE(WaitFor([&] { return server->ActiveConnections() == 2; }, In(absl::Seconds(5))));
  RawConnection third = *RawConnection::Connect(server->port());
  const std::string busy = third.ReadUntilClose(In(absl::Seconds(5)));
  EXPECT_EQ(StatusOf(busy), 503);
  EXPECT_TRUE(absl::EndsWith(busy, "DCS.5032"));
  ASSERT_TRUE(first.Send(kGet));
  EXPECT_EQ(StatusOf(first.ReadResponse(In(absl::Seconds(5)))), 200);  // admitted ones work
  { RawConnection closed = std::move(first); }
  ASSERT_TRUE(WaitFor([&] { return server->ActiveConnections() == 1; }, In(absl::Seconds(5))));
  first = *RawConnection::Connect(server->port());
  ASSERT_TRUE(WaitFor([&] { return server->ActiveConnections() == 2; }, In(absl::Seconds(5))));
  ASSERT_TRUE(first.Send(kGet));
  EXPECT_EQ(StatusOf(first.ReadResponse(In(absl::Seconds(5)))), 200);
}

TEST(ServerTest, StopClosesIdleKeepAliveConnectionsPromptly) {
  std::unique_ptr<Server> server = StartServer(ServerOptions{});
  RawConnection idle = *RawConnection::Connect(server->port());
  ASSERT_TRUE(idle.Send(kGet));
  EXPECT_EQ(StatusOf(idle.ReadResponse(In(absl::Seconds(5)))), 200);
  const absl::Time started = absl::Now();
  server->Stop();
  EXPECT_LT(absl::Now() - started, absl::Seconds(3));
  EXPECT_TRUE(idle.ClosedBy(In(absl::Seconds(1))));
}

TEST(ServerTest, HttpsRoundTrip) {
  char dir[] = "/tmp/rms_http_tls.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_TRUE(test_support::MakeSelfSignedCert(dir).ok());
  ServerOptions options;
  options.tls_cert_file = std::string(dir) + "/cert.pem";
  options.tls_key_file = std::string(dir) + "/key.pem";
  std::unique_ptr<Server> server = StartServer(options);
  absl::StatusOr<std::string> reply = test_support::TlsExchange(
      server->port(), options.tls_cert_file,
      "GET /secure HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", In(absl::Seconds(5)));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(StatusOf(*reply), 200);
  EXPECT_TRUE(absl::EndsWith(*reply, "pong /secure"));
  RawConnection plain = *RawConnection::Connect(server->port());  // plaintext gets nothing
  ASSERT_TRUE(plain.Send(kGet));
  EXPECT_EQ(StatusOf(plain.ReadUntilClose(In(absl::Seconds(5)))), 0);
  std::remove(options.tls_cert_file.c_str());
  std::remove(options.tls_key_file.c_str());
  rmdir(dir);
}

TEST(ServerTest, BadTlsFilesAreRefusedAtStart) {
  ServerOptions options;
  options.tls_cert_file = "does-not-exist.pem";
  options.tls_key_file = "does-not-exist.pem";
  Server server(options, nullptr, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(server.Start("127.0.0.1", 0)));
}

}  // namespace
}  // namespace rms::http
