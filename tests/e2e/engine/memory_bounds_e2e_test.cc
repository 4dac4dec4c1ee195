// Engine e2e (issue 8): hostile sources that stream one endless command, or MULTI and SETs
// forever, make their task fail with the limit's code while migrationd's RSS stays under its
// --worker-memory-mb budget; the same migrationd then completes a normal task.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/engine/engine_env.h"
#include "tests/e2e/engine/hostile_source.h"
#include "tests/support/sanitized_build.h"

namespace rms::e2e {
namespace {

constexpr int64_t kBudgetMb = 256;

// VmRSS of `pid` in MiB; -1 when unreadable.
int64_t RssMb(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    int64_t kb = 0;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits += c;
    }
    return absl::SimpleAtoi(digits, &kb) ? kb / 1024 : -1;
  }
  return -1;
}

class MemoryBoundsTest : public EngineE2eTest {
 protected:
  MemoryBoundsTest() {
    more_flags_ = {"--worker-memory-mb", absl::StrCat(kBudgetMb), "--max-command-mb", "64",
                   "--max-transaction-mb", "64"};
  }

  // Runs an incremental task from `hostile` to a real target until it fails; returns the failed
  // task's log codes joined, and the highest RSS seen meanwhile in *peak_mb.
  std::string RunHostile(HostileSource& hostile, int64_t* peak_mb) {
    auto target = test_support::RedisServer::Start();
    EXPECT_TRUE(target.ok()) << target.status();
    if (!target.ok()) return "";
    auto created = rest_->Send("POST", P("/migration/instance"), R"({"name":"hostile"})");
    const std::string id = created.json.value("id", "");
    Json body{{"migration_method", "incremental_migration"},
              {"resume_mode", "auto"},
              {"source_instance", {{"addrs", absl::StrCat("127.0.0.1:", hostile.port())}}},
              {"target_instance", {{"addrs", AddrOf(**target)}}}};
    auto configured = rest_->Send("POST", P("/migration/" + id + "/task"), body.dump());
    EXPECT_EQ(configured.status, 200) << configured.body;
    *peak_mb = 0;
    std::string status;
    const bool failed = test_support::WaitFor(
        [&] {
          *peak_mb = std::max(*peak_mb, RssMb(server_->pid()));
          auto reply = rest_->Send("GET", P("/migration-task/" + id));
          status = reply.json.value("status", "");
          return status == "MIGRATION_FAILED" || status == "SUCCESS";
        },
        absl::Now() + absl::Seconds(120));
    EXPECT_TRUE(failed) << "last status " << status << "\n" << server_->ReadLog();
    EXPECT_EQ(status, "MIGRATION_FAILED");
    return Logs(id).dump();
  }

  void ExpectFailsWithinBudget(HostileSource::Mode mode, const std::string& code) {
    HostileSource hostile(mode);
    int64_t peak_mb = 0;
    const std::string logs = RunHostile(hostile, &peak_mb);
    EXPECT_NE(logs.find(code), std::string::npos) << logs;
    EXPECT_GT(peak_mb, 0);
    if (!test_support::kSanitizedBuild) {  // ASan's shadow and quarantine are not ours to bound
      EXPECT_LT(peak_mb, kBudgetMb) << "migrationd's RSS went past --worker-memory-mb";
    }
    std::cerr << code << ": peak RSS of migrationd " << peak_mb << " MiB while the source streamed "
              << hostile.streamed() / (1 << 20) << " MiB\n";
  }

  // A full migration between two real redis-servers on the same migrationd.
  void ExpectNormalTaskCompletes() {
    auto source = test_support::RedisServer::Start();
    auto target = test_support::RedisServer::Start();
    ASSERT_TRUE(source.ok() && target.ok());
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE((*source)->Cli({"SET", absl::StrCat("key:", i), "value"}).ok());
    }
    const std::string id =
        CreateAndConfigure("full_amount_migration", "auto", **source, **target);
    Json task = WaitForStatus(id, {"SUCCESS", "MIGRATION_FAILED"}, absl::Seconds(60));
    EXPECT_EQ(task["status"], "SUCCESS");
    EXPECT_TRUE(WaitForEqualDigests(**source, **target, absl::Seconds(10)));
  }
};

TEST_F(MemoryBoundsTest, EndlessCommandFailsItsTaskWithinTheBudget) {
  ExpectFailsWithinBudget(HostileSource::Mode::kEndlessArgument, "COMMAND_TOO_LARGE");
  ExpectNormalTaskCompletes();
}

TEST_F(MemoryBoundsTest, EndlessTransactionFailsItsTaskWithinTheBudget) {
  ExpectFailsWithinBudget(HostileSource::Mode::kEndlessTransaction, "TRANSACTION_TOO_LARGE");
  ExpectNormalTaskCompletes();
}

}  // namespace
}  // namespace rms::e2e
