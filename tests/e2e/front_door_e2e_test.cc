// The REST front door under abuse (issue 9): oversized chunked and gzip bodies are refused with
// 413 before authentication while migrationd's memory stays flat, a POST without a body reaches
// its route, HEAD works, and HTTPS/gRPC-TLS round trips with a self-signed certificate.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/ctl/ctl_process.h"
#include "tests/e2e/e2e_env.h"
#include "tests/support/raw_http_client.h"

namespace rms::e2e {
namespace {

using test_support::RawConnection;
using test_support::StatusOf;

absl::Time In(absl::Duration d) { return absl::Now() + d; }

// A "VmRSS:" / "VmHWM:" line of /proc/<pid>/status, in KiB.
int64_t ProcStatusKib(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, field + ":")) continue;
    std::istringstream values(line.substr(field.size() + 1));
    int64_t kib = 0;
    values >> kib;
    return kib;
  }
  return -1;
}

// Resets the peak RSS (VmHWM) of `pid` to its current RSS.
void ResetPeakRss(pid_t pid) { std::ofstream(absl::StrCat("/proc/", pid, "/clear_refs")) << "5"; }

// gzip of `mib` MiB of zeros, compressed as it is generated (never held uncompressed).
std::string GzipZeros(int mib) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY);
  const std::string zeros(1 << 20, '\0');
  std::string out;
  char buf[64 << 10];
  for (int i = 0; i < mib; ++i) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    zs.avail_in = zeros.size();
    const int flush = i + 1 == mib ? Z_FINISH : Z_NO_FLUSH;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof(buf);
      deflate(&zs, flush);
      out.append(buf, sizeof(buf) - zs.avail_out);
    } while (zs.avail_out == 0);
  }
  deflateEnd(&zs);
  return out;
}

// A gzip body of under 1 MiB that inflates to 1000 MiB of zeros (made once: it takes seconds).
const std::string& Bomb() {
  static const std::string* bomb = new std::string(GzipZeros(1000));
  return *bomb;
}

class FrontDoorTest : public E2eTest {
 protected:
  int port() const { return env()->server->http_port(); }
  pid_t pid() const { return env()->server->pid(); }

  // Streams up to `mib` MiB as 1 MiB chunks until the server answers; returns the answer.
  std::string PostChunked(int mib) const {
    RawConnection connection = *RawConnection::Connect(port());
    const std::string chunk = absl::StrCat("100000\r\n", std::string(1 << 20, 'x'), "\r\n");
    connection.Send(absl::StrCat("POST ", P("/migration-task"),
                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"));
    for (int i = 0; i < mib && !connection.Readable(); ++i) {
      if (!connection.Send(chunk)) break;
    }
    return connection.ReadResponse(In(absl::Seconds(30)));
  }

  // A POST with neither Content-Length nor Transfer-Encoding (an empty body, RFC 9112), followed
  // by up to `mib` MiB of bytes that are no request. Returns how many MiB were accepted before the
  // server refused them and closed.
  int PostLengthLess(int mib) const {
    RawConnection connection = *RawConnection::Connect(port());
    connection.Send(absl::StrCat("POST ", P("/migration-task"),
                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\n\r\n"));
    const std::string junk(1 << 20, 'x');
    int sent = 0;
    while (sent < mib && connection.Send(junk)) ++sent;
    return sent;
  }

  std::string PostGzip(const std::string& gzip) const {
    RawConnection connection = *RawConnection::Connect(port());
    connection.Send(absl::StrCat("POST ", P("/migration-task"),
                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: gzip\r\n"
                                 "Content-Type: application/json\r\nContent-Length: ",
                                 gzip.size(), "\r\n\r\n"));
    connection.Send(gzip);
    return connection.ReadResponse(In(absl::Seconds(30)));
  }

  // Runs `attack`, then checks that migrationd's peak RSS grew by less than `max_mib`.
  void ExpectPeakGrowthBelow(int max_mib, const std::function<void()>& attack) {
    ResetPeakRss(pid());
    const int64_t before = ProcStatusKib(pid(), "VmRSS");
    ASSERT_GT(before, 0);
    attack();
    const int64_t peak = ProcStatusKib(pid(), "VmHWM");
    std::cout << "[ measure ] RSS before " << before / 1024 << " MiB, peak " << peak / 1024
              << " MiB, growth " << (peak - before) << " KiB\n";
    EXPECT_LT(peak - before, int64_t{max_mib} << 10);
  }
};

TEST_F(FrontDoorTest, ChunkedBodyOf600MiBIsRefusedWith413AndFlatMemory) {
  ExpectPeakGrowthBelow(16, [&] {
    const std::string answer = PostChunked(600);
    EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 300);
    EXPECT_TRUE(absl::StrContains(answer, "\"error_code\":\"DCS.4413\"")) << answer;
    EXPECT_TRUE(absl::StrContains(answer, "X-Request-Id: "));
  });
}

TEST_F(FrontDoorTest, LengthLessBodyIsEmptyAndTheBytesAfterItAreNotBuffered) {
  ExpectPeakGrowthBelow(16, [&] {
    // The request has an empty body; the bytes after it are read as the next request line,
    // refused past 8 KiB (414) and the connection closed: the sender cannot get rid of 600 MiB.
    const int accepted_mib = PostLengthLess(600);
    std::cout << "[ measure ] the server took " << accepted_mib << " MiB before closing\n";
    EXPECT_LT(accepted_mib, 16);
  });
}

TEST_F(FrontDoorTest, GzipBombIsRefusedWith413AndFlatMemory) {
  const std::string& bomb = Bomb();
  ASSERT_LT(bomb.size(), size_t{1} << 20);
  ExpectPeakGrowthBelow(16, [&] {
    const std::string answer = PostGzip(bomb);
    EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 300);
    EXPECT_TRUE(absl::StrContains(answer, "\"error_code\":\"DCS.4413\"")) << answer;
  });
}

TEST_F(FrontDoorTest, EightAttacksInParallelLeaveTheApiServing) {
  const std::string& bomb = Bomb();
  ExpectPeakGrowthBelow(48, [&] {
    std::vector<int> statuses(8);
    std::vector<std::thread> attackers;
    for (int i = 0; i < 8; ++i) {
      attackers.emplace_back(
          [&, i] { statuses[i] = StatusOf(i % 2 == 0 ? PostChunked(600) : PostGzip(bomb)); });
    }
    // Served while the attacks run.
    EXPECT_EQ(a_.rest->Send("GET", P("/migration-tasks")).status, 200);
    for (std::thread& attacker : attackers) attacker.join();
    for (int status : statuses) EXPECT_EQ(status, 413);
  });
  EXPECT_EQ(a_.rest->Send("GET", P("/migration-tasks")).status, 200);
}

TEST_F(FrontDoorTest, PostWithoutBodyOrLengthReachesTheStopRoute) {
  RawConnection connection = *RawConnection::Connect(port());
  connection.Send(absl::StrCat(
      "POST ", P("/migration-task/no-such-task/stop"),
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ", a_.credentials.token, "\r\n\r\n"));
  const std::string answer = connection.ReadResponse(In(absl::Seconds(10)));
  EXPECT_EQ(StatusOf(answer), 404) << answer;
  EXPECT_TRUE(absl::StrContains(answer, "DCS.4133")) << answer;
}

TEST_F(FrontDoorTest, HeadIsAnsweredLikeGetWithoutBody) {
  RawConnection connection = *RawConnection::Connect(port());
  connection.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string get = connection.ReadResponse(In(absl::Seconds(10)));
  connection.Send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const std::string head = connection.ReadUntilClose(In(absl::Seconds(10)));
  EXPECT_EQ(StatusOf(head), 200) << head;
  const std::string body = test_support::BodyOf(get);
  EXPECT_FALSE(body.empty());
  EXPECT_TRUE(absl::EndsWith(head, "\r\n\r\n"));
  EXPECT_TRUE(absl::StrContains(head, absl::StrCat("Content-Length: ", body.size())));
}

TEST_F(FrontDoorTest, HeaderFieldsTooLargeGet431WithDcsBody) {
  RawConnection connection = *RawConnection::Connect(port());
  std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 101; ++i) absl::StrAppend(&request, "X-", i, ": v\r\n");
  connection.Send(request + "\r\n");
  const std::string answer = connection.ReadResponse(In(absl::Seconds(10)));
  EXPECT_EQ(StatusOf(answer), 431) << answer;
  EXPECT_TRUE(absl::StrContains(answer, "\"error_code\":\"DCS.4431\"")) << answer;
}

// A second migrationd with --tls-cert-file/--tls-key-file: HTTPS and gRPC over TLS.
TEST(FrontDoorTlsTest, RestAndGrpcRoundTripOverTls) {
  const auto admin_url = test_support::TestDatabaseUrlFromEnv();
  if (!admin_url) GTEST_SKIP() << test_support::kTestDatabaseUrlEnv << " is not set";
  auto certs = test_support::TempDir::Create("rms-tls");
  ASSERT_TRUE(certs.ok());
  ASSERT_TRUE(test_support::MakeSelfSignedCert((*certs)->path()).ok());
  const std::string cert = (*certs)->path() + "/cert.pem";
  auto env = E2eEnv::Create(
      *admin_url, "", {"--tls-cert-file", cert, "--tls-key-file", (*certs)->path() + "/key.pem"});
  ASSERT_TRUE(env.ok()) << env.status();
  auto project = (*env)->AddProject("tls-project");
  ASSERT_TRUE(project.ok()) << project.status();
  absl::StatusOr<std::string> reply = test_support::TlsExchange(
      (*env)->server->http_port(), cert,
      absl::StrCat("GET ", ApiPath("tls-project", "/migration-tasks"),
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Auth-Token: ",
                   project->credentials.token, "\r\n\r\n"),
      In(absl::Seconds(10)));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(StatusOf(*reply), 200) << *reply;
  // Plain HTTP to the HTTPS port gets no HTTP answer.
  EXPECT_EQ(project->rest->Send("GET", ApiPath("tls-project", "/migration-tasks")).status, 0);

  grpc::SslCredentialsOptions ssl;
  std::ifstream pem(cert);
  ssl.pem_root_certs.assign(std::istreambuf_iterator<char>(pem), {});
  GrpcClient grpc((*env)->server->grpc_port(), project->credentials.token,
                  grpc::SslCredentials(ssl));
  v1::ListTasksRequest list;
  list.set_project_id("tls-project");
  auto listed = grpc.Call(&v1::MigrationService::Stub::ListTasks, list);
  EXPECT_TRUE(listed.status.ok()) << listed.status.error_message();
  auto plaintext = project->grpc->Call(&v1::MigrationService::Stub::ListTasks, list);
  EXPECT_EQ(plaintext.status.error_code(), grpc::StatusCode::UNAVAILABLE);

  // migrationctl over https://, trusting the certificate through RMS_CA_FILE.
  CtlOptions ctl;
  ctl.env = {{"RMS_ENDPOINT", absl::StrCat("https://127.0.0.1:", (*env)->server->http_port())},
             {"RMS_PROJECT", "tls-project"},
             {"RMS_TOKEN", project->credentials.token},
             {"RMS_CA_FILE", cert}};
  const CtlRun run = RunCtl({"list", "--json"}, ctl);
  EXPECT_EQ(run.exit_code, 0) << Describe(run);
  ctl.env.erase("RMS_CA_FILE");  // an untrusted self-signed certificate: no connection
  EXPECT_EQ(RunCtl({"list"}, ctl).exit_code, 3);
}

}  // namespace
}  // namespace rms::e2e
