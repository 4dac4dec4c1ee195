// Tests of Server over real loopback sockets: slow clients are cut off while others are
// served, the connection cap, Stop() with idle connections, HTTPS and mutual TLS.
#include "services/http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "tests/support/client_certificates.h"
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

// A temporary directory with a self-signed cert.pem and key.pem for 127.0.0.1, removed with it.
struct CertDir {
  CertDir() {
    char name[] = "/tmp/rms_http_tls.XXXXXX";
    if (mkdtemp(name) != nullptr) path = name;
    made = !path.empty() && test_support::MakeSelfSignedCert(path).ok();
  }
  ~CertDir() {
    if (!path.empty()) std::filesystem::remove_all(path);
  }
  // Options serving HTTPS with this certificate.
  ServerOptions Https() const {
    ServerOptions options;
    options.tls_cert_file = path + "/cert.pem";
    options.tls_key_file = path + "/key.pem";
    return options;
  }
  std::string path;
  bool made = false;
};

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
  CertDir dir;
  ASSERT_TRUE(dir.made);
  const ServerOptions options = dir.Https();
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
}

TEST(ServerTest, BadTlsFilesAreRefusedAtStart) {
  ServerOptions options;
  options.tls_cert_file = "does-not-exist.pem";
  options.tls_key_file = "does-not-exist.pem";
  Server server(options, nullptr, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(server.Start("127.0.0.1", 0)));
}

TEST(ServerTest, MutualTlsServesOnlyClientsWithACertificateOfTheClientCa) {
  CertDir dir;
  ASSERT_TRUE(dir.made);
  auto trusted = test_support::MakeClientCertificate(dir.path, "trusted");
  auto stranger = test_support::MakeClientCertificate(dir.path, "stranger");
  ASSERT_TRUE(trusted.ok() && stranger.ok());
  ServerOptions options = dir.Https();
  options.tls_client_ca_file = trusted->ca_file;
  std::unique_ptr<Server> server = StartServer(options);
  const std::string get = "GET /mutual HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  auto exchange = [&](const test_support::TlsClientIdentity& identity) {
    return test_support::TlsExchange(server->port(), options.tls_cert_file, get,
                                     In(absl::Seconds(5)), identity);
  };
  absl::StatusOr<std::string> valid = exchange({trusted->cert_file, trusted->key_file});
  ASSERT_TRUE(valid.ok()) << valid.status();
  EXPECT_EQ(StatusOf(*valid), 200);
  EXPECT_TRUE(absl::EndsWith(*valid, "pong /mutual"));
  EXPECT_TRUE(absl::IsUnavailable(exchange({}).status()));  // no client certificate
  EXPECT_TRUE(absl::IsUnavailable(exchange({stranger->cert_file, stranger->key_file}).status()));
  RawConnection plain = *RawConnection::Connect(server->port());
  ASSERT_TRUE(plain.Send(kGet));
  EXPECT_EQ(StatusOf(plain.ReadUntilClose(In(absl::Seconds(5)))), 0);
  server->Stop();
}

TEST(ServerTest, ClientCaNeedsUsableFilesAndTheServerCertificate) {
  ServerOptions alone;
  alone.tls_client_ca_file = "clients.pem";
  EXPECT_TRUE(absl::IsInvalidArgument(Server(alone, nullptr, nullptr).Start("127.0.0.1", 0)));
  CertDir dir;
  ASSERT_TRUE(dir.made);
  ServerOptions missing_ca = dir.Https();
  missing_ca.tls_client_ca_file = dir.path + "/does-not-exist.pem";
  absl::Status status = Server(missing_ca, nullptr, nullptr).Start("127.0.0.1", 0);
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_NE(status.message().find("does-not-exist.pem"), absl::string_view::npos);
}

}  // namespace
}  // namespace rms::http
