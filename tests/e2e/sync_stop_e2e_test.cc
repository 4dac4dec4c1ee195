// Stop and sync-stop through the REST front door (issue 9): a POST stop without a body (no
// Content-Length, as `curl -X POST` sends it) stops a real task, and eight sync-stops waiting on
// tasks that do not drain leave /healthz answering within 100 ms while at most four of them wait.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/parity_fixture.h"
#include "tests/support/raw_http_client.h"
#include "tests/support/sanitized_build.h"

namespace rms::e2e {
namespace {

using test_support::RawConnection;
using test_support::StatusOf;

class SyncStopTest : public ParityTest {
 protected:
  // A configured task of project a (status MIGRATING; no worker runs in this environment).
  std::string ConfiguredTask(const std::string& name) {
    const Twins twins = CreateTwins(name);
    ConfigureTwins(twins, SeedConfigure(123), SeedConfigure("123"));
    return twins.rest_id;
  }

  // Runs `UPDATE tasks SET <assignments>` on the tasks `ids`, as a worker would.
  void UpdateTasks(const std::string& assignments, const std::vector<std::string>& ids) {
    pqxx::connection connection(env()->database->url());
    pqxx::work tx(connection);
    tx.exec0(absl::StrCat("UPDATE tasks SET ", assignments, " WHERE id IN ('",
                          absl::StrJoin(ids, "','"), "')"));
    tx.commit();
  }
  // A live lease of a worker that never drains: a stop leaves the tasks TERMINATING.
  void HoldByStuckWorker(const std::vector<std::string>& ids) {
    UpdateTasks(
        "lease_owner = 'stuck-worker', lease_epoch = 1,"
        " lease_expires_at = now() + interval '10 minutes'",
        ids);
  }
  // What the stuck worker would do at last: the stopping tasks end TERMINATED.
  void FinishStops(const std::vector<std::string>& ids) {
    UpdateTasks("status = 'TERMINATED', lease_owner = '', lease_expires_at = NULL", ids);
  }

  std::string Status(const std::string& id) {
    return RestOk("GET", "/migration-task/" + id).value("status", "");
  }
};

TEST_F(SyncStopTest, PostStopWithoutBodyOrLengthStopsARealTask) {
  const std::string id = ConfiguredTask("no-body-stop");
  RawConnection connection = *RawConnection::Connect(env()->server->http_port());
  connection.Send(absl::StrCat(
      "POST ", P("/migration-task/" + id + "/stop"),
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ", a_.credentials.token, "\r\n\r\n"));
  const std::string answer = connection.ReadResponse(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_TRUE(absl::StrContains(answer, "\"status\":\"TERMINATED\"")) << answer;
  EXPECT_EQ(Status(id), "TERMINATED");
}

TEST_F(SyncStopTest, EightParallelSyncStopsLeaveHealthzFast) {
  constexpr int kCalls = 8;
  std::vector<std::string> ids;
  for (int i = 0; i < kCalls; ++i) ids.push_back(ConfiguredTask(absl::StrCat("sync-", i)));
  HoldByStuckWorker(ids);

  std::vector<test_support::HttpReply> replies(kCalls);
  std::vector<absl::Duration> took(kCalls);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&, i] {
      const absl::Time start = absl::Now();
      replies[i] = a_.rest->Send("POST", P("/migration-task/" + ids[i] + "/sync-stop"));
      took[i] = absl::Now() - start;
    });
  }
  // Every task is TERMINATING once each call has requested its stop.
  const absl::Time deadline = absl::Now() + test_support::SanitizerScaled(absl::Seconds(20));
  auto all_stopping = [&] {
    for (const std::string& id : ids) {
      if (Status(id) != "TERMINATING") return false;
    }
    return true;
  };
  while (!all_stopping() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  ASSERT_TRUE(all_stopping());

  // Probe /healthz for 3 s while the waiting calls hold their threads.
  absl::Duration slowest;
  int probes = 0;
  const absl::Time probe_until = absl::Now() + absl::Seconds(3);
  test_support::RestClient anonymous(env()->server->http_port(), "");
  while (absl::Now() < probe_until) {
    const absl::Time start = absl::Now();
    const int status = anonymous.Send("GET", "/healthz").status;
    slowest = std::max(slowest, absl::Now() - start);
    ASSERT_EQ(status, 200);
    ++probes;
    absl::SleepFor(absl::Milliseconds(20));
  }
  std::cout << "[ measure ] " << probes << " /healthz probes during 8 sync-stops, slowest "
            << absl::FormatDuration(slowest) << "\n";
  EXPECT_LT(slowest, test_support::SanitizerScaled(absl::Milliseconds(100)));

  FinishStops(ids);
  for (std::thread& caller : callers) caller.join();
  int waited = 0, answered_at_once = 0;
  for (int i = 0; i < kCalls; ++i) {
    if (replies[i].status == 200) {
      ++waited;  // parked until the stop finished
      EXPECT_GE(took[i], absl::Seconds(3)) << "call " << i;
    } else {
      ++answered_at_once;
      EXPECT_EQ(replies[i].status, 400) << replies[i].body;
      EXPECT_EQ(replies[i].json.value("error_code", ""), "DCS.4134") << replies[i].body;
      EXPECT_TRUE(absl::StrContains(replies[i].body, "already waiting")) << replies[i].body;
    }
  }
  EXPECT_EQ(waited, 4);
  EXPECT_EQ(answered_at_once, 4);
  for (const std::string& id : ids) EXPECT_EQ(Status(id), "TERMINATED");
}

}  // namespace
}  // namespace rms::e2e
